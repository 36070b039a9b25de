#pragma once
// The listener's connection limits and counters, shared by the accept loop and every connection
// (and the WebSocket session a connection becomes), which may outlive the server object.
#include <boost/asio/ip/address.hpp>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "switchboard/http/peer_address.hpp"
#include "switchboard/http/server.hpp"

namespace switchboard::http::detail {

struct counters {
  std::atomic<std::uint64_t> connections_open{0};
  std::atomic<std::uint64_t> refused_total_limit{0};
  std::atomic<std::uint64_t> refused_per_ip_limit{0};
  std::atomic<std::uint64_t> refused_header_phase_limit{0};
  std::atomic<std::uint64_t> header_timeouts{0};
  std::atomic<std::uint64_t> accept_errors{0};
  std::atomic<std::uint64_t> framing_refused{0};
  std::atomic<std::uint64_t> websocket_queue_overflows{0};
  std::atomic<std::uint64_t> websocket_pongs_replaced{0};

  static void bump(std::atomic<std::uint64_t>& c) noexcept { c.fetch_add(1, std::memory_order_relaxed); }
  server_stats snapshot() const noexcept;
};

// admit() on the accept thread only; release() and leave_header_phase() from any thread.
class connection_limits {
 public:
  connection_limits(std::size_t total, std::size_t per_ip, std::size_t header_phase, bool exempt_loopback,
                    address_ranges exempt = {})
      : max_total_(total),
        max_per_ip_(per_ip),
        max_header_phase_(header_phase),
        exempt_loopback_(exempt_loopback),
        exempt_(std::move(exempt)) {}

  enum class refusal { none, total, per_ip, header_phase };

  // Counts a new connection in (open, header phase, its address) unless a limit refuses it.
  refusal admit(const boost::asio::ip::address& peer);
  void release(const boost::asio::ip::address& peer) noexcept;
  void leave_header_phase() noexcept { header_phase_.fetch_sub(1, std::memory_order_relaxed); }

  std::size_t max_total() const noexcept { return max_total_; }
  counters stats;

 private:
  const std::size_t max_total_;
  const std::size_t max_per_ip_;
  const std::size_t max_header_phase_;
  const bool exempt_loopback_;  // loopback peers are not counted per address (a local proxy's)
  const address_ranges exempt_;
  bool counted_per_ip(const boost::asio::ip::address& peer) const noexcept {
    return max_per_ip_ != 0 && !(exempt_loopback_ && is_loopback(peer)) && !exempt_.contains(peer);
  }

  std::atomic<std::size_t> header_phase_{0};
  std::mutex mutex_;
  std::unordered_map<boost::asio::ip::address, std::size_t> per_ip_;  // guarded by mutex_
};

// One admitted connection's place in the limits, released when the last owner (the connection,
// its WebSocket session, or the lingering close of its socket) lets go. Thread-safe.
class connection_slot {
 public:
  connection_slot(std::shared_ptr<connection_limits> limits, boost::asio::ip::address peer)
      : limits_(std::move(limits)), peer_(peer) {}
  ~connection_slot() {
    if (in_header_phase_.exchange(false)) limits_->leave_header_phase();
    limits_->release(peer_);
  }
  connection_slot(const connection_slot&) = delete;
  connection_slot& operator=(const connection_slot&) = delete;

  // The first request header is complete (or the connection ends).
  void header_done() noexcept {
    if (in_header_phase_.exchange(false)) limits_->leave_header_phase();
  }
  counters& stats() noexcept { return limits_->stats; }

 private:
  std::shared_ptr<connection_limits> limits_;
  boost::asio::ip::address peer_;
  std::atomic<bool> in_header_phase_{true};
};
using connection_slot_ptr = std::shared_ptr<connection_slot>;

}  // namespace switchboard::http::detail
