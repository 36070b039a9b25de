#pragma once
// The process's memory as /metrics reports it: what the kernel holds for it (RSS) and what the
// allocator has handed out and not had back (the live heap). RSS well above the live heap after a
// load is memory the allocator keeps, not memory the server's tables hold.
#include <cstdint>

namespace switchboard::app {

// VmRSS in bytes (/proc/self/statm), or 0 where it cannot be read.
std::uint64_t resident_bytes();
// Bytes allocated and not freed: glibc's mallinfo2, or the sanitizer allocator's own count in an
// ASan build (which replaces malloc).
std::uint64_t heap_in_use_bytes();
// Hands the allocator's free memory back to the OS: malloc_trim, or the sanitizer allocator's purge.
// Takes each arena's lock in turn, milliseconds on a large heap.
void release_free_memory();

}  // namespace switchboard::app
