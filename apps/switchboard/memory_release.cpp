#include "memory_release.hpp"

#include <boost/asio/dispatch.hpp>

#include "process_memory.hpp"
#include "switchboard/log/log.hpp"

namespace switchboard::app {

memory_release::memory_release(boost::asio::any_io_executor executor, std::chrono::milliseconds interval,
                               std::uint64_t threshold)
    : timer_(std::move(executor)), interval_(interval), threshold_(threshold) {}

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
  if (heap > peak_) peak_ = heap;
  if (peak_ - heap < threshold_) return;
  const std::uint64_t before = resident_bytes();
  release_free_memory();
  releases_.fetch_add(1, std::memory_order_relaxed);
  log::info("memory: freed heap given back to the OS",
            {{"peak_heap_bytes", peak_}, {"heap_bytes", heap}, {"rss_before", before}, {"rss_after", resident_bytes()}});
  peak_ = heap;
}

}  // namespace switchboard::app
