#pragma once
// The system calls a process makes, as the kernel counts them: the raw_syscalls:sys_enter
// tracepoint through perf_event_open, one counter per thread the process has when counting starts
// (the threads those start count as well, once they have ended).
// Needs root (or kernel.perf_event_paranoid ≤ -1) and tracefs; without them it counts nothing and
// says so.
#include <cstdint>
#include <optional>
#include <vector>

namespace switchboard::bench {

class syscall_counter {
 public:
  explicit syscall_counter(int pid);  // pid ≤ 0: counts nothing
  ~syscall_counter();
  syscall_counter(const syscall_counter&) = delete;
  syscall_counter& operator=(const syscall_counter&) = delete;

  // System calls since construction, all threads together; nullopt when they cannot be counted.
  std::optional<std::uint64_t> read() const;

 private:
  std::vector<int> descriptors_;
};

}  // namespace switchboard::bench
