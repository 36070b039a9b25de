#include "connection_limits.hpp"

namespace switchboard::http::detail {

server_stats counters::snapshot() const noexcept {
  constexpr auto r = std::memory_order_relaxed;
  return {connections_open.load(r),        refused_total_limit.load(r), refused_per_ip_limit.load(r),
          refused_header_phase_limit.load(r), header_timeouts.load(r),     accept_errors.load(r),
          framing_refused.load(r),         websocket_queue_overflows.load(r), websocket_pongs_replaced.load(r)};
}

connection_limits::refusal connection_limits::admit(const boost::asio::ip::address& peer) {
  // Only the accept thread adds: a value read here can only have shrunk by the time it is used.
  if (stats.connections_open.load(std::memory_order_relaxed) >= max_total_) {
    counters::bump(stats.refused_total_limit);
    return refusal::total;
  }
  if (header_phase_.load(std::memory_order_relaxed) >= max_header_phase_) {
    counters::bump(stats.refused_header_phase_limit);
    return refusal::header_phase;
  }
  if (counted_per_ip(peer)) {
    std::lock_guard lock(mutex_);
    std::size_t& n = per_ip_[peer];
    if (n >= max_per_ip_) {
      if (n == 0) per_ip_.erase(peer);
      counters::bump(stats.refused_per_ip_limit);
      return refusal::per_ip;
    }
    ++n;
  }
  header_phase_.fetch_add(1, std::memory_order_relaxed);
  stats.connections_open.fetch_add(1, std::memory_order_relaxed);
  return refusal::none;
}

void connection_limits::release(const boost::asio::ip::address& peer) noexcept {
  stats.connections_open.fetch_sub(1, std::memory_order_relaxed);
  if (!counted_per_ip(peer)) return;
  std::lock_guard lock(mutex_);
  const auto it = per_ip_.find(peer);
  if (it != per_ip_.end() && --it->second == 0) per_ip_.erase(it);
}

}  // namespace switchboard::http::detail
