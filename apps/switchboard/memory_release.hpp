#pragma once
// Gives freed heap back to the OS once a load has passed. glibc keeps what its per-thread arenas
// freed (ASan its quarantine and caches) until told, so a server's RSS would stay at its peak
// after a burst of connections. Every `interval`, on the executor given, it samples the live heap
// and what the allocator keeps (RSS minus the live heap), and releases (malloc_trim, or the
// sanitizer allocator's purge) when either says a load has passed: what the allocator keeps has
// grown `threshold` bytes or more above its level after the last release (or its lowest sample),
// or the live heap has fallen to half its peak since the last release, by `heap_drop` bytes or
// more. Under a steady load, growing or not, nothing happens.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>

namespace switchboard::app {

class memory_release : public std::enable_shared_from_this<memory_release> {
 public:
  static constexpr std::uint64_t default_threshold = 32u << 20;
  static constexpr std::uint64_t default_heap_drop = 4u << 20;

  memory_release(boost::asio::any_io_executor executor, std::chrono::milliseconds interval,
                 std::uint64_t threshold = default_threshold, std::uint64_t heap_drop = default_heap_drop);
  // Samples every interval until stop(). Thread-safe.
  void start();
  // Cancels the timer; before its executor stops. Thread-safe.
  void stop();
  std::uint64_t releases() const noexcept { return releases_.load(std::memory_order_relaxed); }

 private:
  void wait();
  void sample();

  boost::asio::steady_timer timer_;
  std::chrono::milliseconds interval_;
  std::uint64_t threshold_;
  std::uint64_t heap_drop_;
  std::uint64_t heap_peak_ = 0;  // the live heap's peak since the last release (timer's executor)
  std::optional<std::uint64_t> floor_;  // RSS minus heap after the last release, or lowest seen (timer's executor)
  std::atomic<std::uint64_t> releases_{0};
};

}  // namespace switchboard::app
