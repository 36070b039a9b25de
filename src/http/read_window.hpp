#pragma once
// How far a WebSocket connection reads ahead of the layer above: it delivers at most `limit`
// messages that have not been consumed yet, so a fast client cannot fill another shard's queue.
#include <atomic>

namespace switchboard::http::detail {

class read_window {
 public:
  static constexpr int limit = 16;

  // On the connection's shard, after a message was delivered: true when reading must pause.
  bool delivered() noexcept { return unconsumed_.fetch_add(1, std::memory_order_acq_rel) + 1 >= limit; }

  // From any thread: true for the one call that brings the count below the limit, the only one
  // that can find the reader paused.
  bool consumed() noexcept { return unconsumed_.fetch_sub(1, std::memory_order_acq_rel) == limit; }

 private:
  std::atomic<int> unconsumed_{0};
};

}  // namespace switchboard::http::detail
