#include "process_memory.hpp"

#include <malloc.h>
#include <unistd.h>

#include <fstream>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SWITCHBOARD_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define SWITCHBOARD_ASAN 1
#endif
#ifdef SWITCHBOARD_ASAN
#include <cstddef>
// The sanitizer runtime's allocator interface (compiler-rt's sanitizer/allocator_interface.h,
// which GCC does not install; GCC's libasan has the functions).
extern "C" std::size_t __sanitizer_get_current_allocated_bytes();
extern "C" void __sanitizer_purge_allocator();
#endif

namespace switchboard::app {

std::uint64_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::uint64_t size = 0;
  std::uint64_t resident = 0;
  if (!(statm >> size >> resident)) return 0;
  return resident * static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
}

std::uint64_t heap_in_use_bytes() {
#ifdef SWITCHBOARD_ASAN
  return __sanitizer_get_current_allocated_bytes();
#else
  const struct mallinfo2 info = ::mallinfo2();
  return info.uordblks + info.hblkhd;  // small blocks in use, plus blocks mmapped on their own
#endif
}

void release_free_memory() {
#ifdef SWITCHBOARD_ASAN
  __sanitizer_purge_allocator();
#else
  ::malloc_trim(0);
#endif
}

}  // namespace switchboard::app
