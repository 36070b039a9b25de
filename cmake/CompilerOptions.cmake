# Project-wide compile options, attached to every switchboard target through sb_options.
add_library(sb_options INTERFACE)
# Options are structs with designated initialisers that name only what differs from the
# defaults; -Wextra would flag every field left out.
target_compile_options(sb_options INTERFACE -Wall -Wextra -Wpedantic -Wno-missing-field-initializers)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  # GCC 12 reports std::string appends at -O3 as overlapping memcpy (GCC bug 105329).
  target_compile_options(sb_options INTERFACE -Wno-restrict)
endif()
if(SWITCHBOARD_WERROR)
  target_compile_options(sb_options INTERFACE -Werror)
endif()
if(SWITCHBOARD_SANITIZE OR SWITCHBOARD_FUZZ)
  target_compile_options(sb_options INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer
                                              -fno-sanitize-recover=undefined)
  target_link_options(sb_options INTERFACE -fsanitize=address,undefined)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    # Clang 14's function-type check cannot emit C++20 coroutines ("Cannot represent a difference
    # across sections"); GCC has no such check.
    target_compile_options(sb_options INTERFACE -fno-sanitize=function)
  endif()
endif()
if(SWITCHBOARD_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "SWITCHBOARD_FUZZ needs clang (libFuzzer)")
  endif()
  # Coverage for the fuzzers; only their executables link libFuzzer's main. Elsewhere (tests,
  # apps) the instrumentation's callbacks are the sanitizer runtime's empty defaults.
  target_compile_options(sb_options INTERFACE -fsanitize=fuzzer-no-link)
endif()
