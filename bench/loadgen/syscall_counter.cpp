#include "syscall_counter.hpp"

#include <linux/perf_event.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace switchboard::bench {

namespace {

// The tracepoint's id, from tracefs wherever it is mounted; nullopt without one.
std::optional<std::uint64_t> sys_enter_id() {
  for (const char* root : {"/sys/kernel/tracing", "/sys/kernel/debug/tracing"}) {
    std::ifstream in(std::string(root) + "/events/raw_syscalls/sys_enter/id");
    std::uint64_t id = 0;
    if (in >> id) return id;
  }
  return std::nullopt;
}

int open_counter(std::uint64_t tracepoint, int thread) {
  perf_event_attr attr{};
  attr.type = PERF_TYPE_TRACEPOINT;
  attr.size = sizeof attr;
  attr.config = tracepoint;
  attr.inherit = 1;  // threads it starts later count too, once they have ended
  return static_cast<int>(syscall(SYS_perf_event_open, &attr, thread, -1, -1, PERF_FLAG_FD_CLOEXEC));
}

}  // namespace

syscall_counter::syscall_counter(int pid) {
  const auto tracepoint = sys_enter_id();
  if (pid <= 0 || !tracepoint) return;
  std::error_code ec;
  for (const auto& task : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
    const int fd = open_counter(*tracepoint, std::stoi(task.path().filename().string()));
    if (fd < 0) {  // one thread not counted makes the sum wrong: count nothing
      for (int open : descriptors_) close(open);
      descriptors_.clear();
      return;
    }
    descriptors_.push_back(fd);
  }
}

syscall_counter::~syscall_counter() {
  for (int fd : descriptors_) close(fd);
}

std::optional<std::uint64_t> syscall_counter::read() const {
  if (descriptors_.empty()) return std::nullopt;
  std::uint64_t total = 0;
  for (int fd : descriptors_) {
    std::uint64_t count = 0;
    if (::read(fd, &count, sizeof count) != static_cast<ssize_t>(sizeof count)) return std::nullopt;
    total += count;
  }
  return total;
}

}  // namespace switchboard::bench
