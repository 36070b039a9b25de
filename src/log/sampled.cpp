#include "switchboard/log/sampled.hpp"

#include <atomic>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace switchboard::log {
namespace {

using clock = std::chrono::steady_clock;

std::atomic<std::int64_t> window_ms{10'000};
std::atomic<std::size_t> max_sources{4096};
std::atomic<std::uint64_t> suppressed{0};

struct source_state {
  clock::time_point last_written;
  std::uint64_t left_out = 0;
};

// The sources one thread has seen. Entries whose window has passed are dropped when it fills.
class source_table {
 public:
  // Whether to write now; `left_out` is how many records of `source` were not written before it.
  bool admit(std::string_view source, clock::time_point now, std::uint64_t& left_out) {
    const auto window = std::chrono::milliseconds(window_ms.load(std::memory_order_relaxed));
    auto it = sources_.find(std::string(source));
    if (it == sources_.end()) {
      if (sources_.size() >= max_sources.load(std::memory_order_relaxed)) forget_quiet(now, window);
      if (sources_.size() >= max_sources.load(std::memory_order_relaxed)) return false;
      sources_.emplace(std::string(source), source_state{now, 0});
      left_out = 0;
      return true;
    }
    source_state& state = it->second;
    if (now - state.last_written < window) {
      ++state.left_out;
      return false;
    }
    left_out = std::exchange(state.left_out, 0);
    state.last_written = now;
    return true;
  }

 private:
  void forget_quiet(clock::time_point now, std::chrono::milliseconds window) {
    std::erase_if(sources_, [&](const auto& entry) { return now - entry.second.last_written >= window; });
  }

  std::unordered_map<std::string, source_state> sources_;
};

}  // namespace

void configure_sampling(const sampling_options& opts) noexcept {
  window_ms.store(opts.window.count(), std::memory_order_relaxed);
  max_sources.store(opts.max_sources, std::memory_order_relaxed);
}

void warn_sampled(std::string_view source, std::string_view message, std::initializer_list<field> fields) {
  if (!enabled(level::warn)) return;
  thread_local source_table table;
  std::uint64_t left_out = 0;
  if (!table.admit(source, clock::now(), left_out)) {
    suppressed.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  if (left_out == 0) return write(level::warn, message, fields);
  std::vector<field> with_count(fields.begin(), fields.end());
  with_count.emplace_back("suppressed", left_out);
  write(level::warn, message, std::span<const field>(with_count));
}

std::uint64_t suppressed_total() noexcept { return suppressed.load(std::memory_order_relaxed); }

}  // namespace switchboard::log
