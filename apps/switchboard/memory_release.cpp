#include "memory_release.hpp"

#include <boost/asio/dispatch.hpp>
#include <algorithm>

#include "process_memory.hpp"
#include "switchboard/log/log.hpp"

namespace switchboard::app {

memory_release::memory_release(boost::asio::any_io_executor executor, std::chrono::milliseconds interval,
                               std::uint64_t threshold, std::uint64_t heap_drop)
    : timer_(std::move(executor)), interval_(interval), threshold_(threshold), heap_drop_(heap_drop) {}

void memory_release::start() {
  boost::asio::dispatch(timer_.get_executor(), [self = shared_from_this()] { self->wait(); });
}

void memory_release::stop() {
  boost::asio::dispatch(timer_.get_executor(), [weak = weak_from_this()] {
    if (auto self = weak.lock()) self->timer_.cancel();
  });
}

void memory_release::wait() {
  timer_.expires_after(interval_);
  timer_.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
    auto self = weak.lock();
    if (ec || !self) return;
    self->sample();
    self->wait();
  });
}

void memory_release::sample() {
  const std::uint64_t heap = heap_in_use_bytes();
  const std::uint64_t resident = resident_bytes();
  const std::uint64_t kept = resident > heap ? resident - heap : 0;
  if (!floor_ || kept < *floor_) floor_ = kept;
  heap_peak_ = std::max(heap_peak_, heap);
  const std::uint64_t heap_fall = heap_peak_ - heap;
  const bool load_passed = heap_fall >= heap_drop_ && heap_fall >= heap_peak_ / 2;
  if (kept - *floor_ < threshold_ && !load_passed) return;
  release_free_memory();
  releases_.fetch_add(1, std::memory_order_relaxed);
  const std::uint64_t after = resident_bytes();
  log::info("memory: freed heap given back to the OS",
            {{"heap_bytes", heap}, {"rss_before", resident}, {"rss_after", after}});
  floor_ = after > heap ? after - heap : 0;  // what the allocator keeps anyway; the next release waits for more
  heap_peak_ = heap;
}

}  // namespace switchboard::app
