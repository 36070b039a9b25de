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
if(SWITCHBOARD_SANITIZE)
  target_compile_options(sb_options INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer
                                              -fno-sanitize-recover=undefined)
  target_link_options(sb_options INTERFACE -fsanitize=address,undefined)
endif()
if(SWITCHBOARD_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "SWITCHBOARD_FUZZ needs clang (libFuzzer)")
  endif()
  # Instrument the library for coverage; only the fuzz executables link libFuzzer's main.
  target_compile_options(sb_options INTERFACE -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
  target_link_options(sb_options INTERFACE -fsanitize=address,undefined)
endif()
