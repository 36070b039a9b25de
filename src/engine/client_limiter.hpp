#pragma once
// Per client address: concurrent sessions and a token bucket of new handshakes, over all shards.
#include <array>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <mutex>
#include <unordered_map>

#include "switchboard/engine/options.hpp"
#include "switchboard/http/types.hpp"

namespace switchboard::engine::detail {

// The client's address: the TCP peer, or with trust_proxy the last X-Forwarded-For entry (the
// one the trusted proxy appended), when it parses as an IP address.
boost::asio::ip::address client_address(const http::request& req, const boost::asio::ip::tcp::endpoint& remote,
                                        bool trust_proxy);

// Thread-safe: any shard may admit and release. Addresses hash to one of a few locked stripes.
class client_limiter {
 public:
  using clock = std::chrono::steady_clock;
  enum class verdict { admitted, too_many_sessions, rate_limited };

  explicit client_limiter(const client_limits& limits) : limits_(limits) {}

  // Whether `address` is limited at all (not when the limits are off or it is an exempt loopback).
  bool limits(const boost::asio::ip::address& address) const noexcept;
  // Takes a handshake token and a session slot; an admitted address must be released once.
  verdict admit(const boost::asio::ip::address& address, clock::time_point now);
  void release(const boost::asio::ip::address& address);

 private:
  struct entry {
    std::size_t sessions = 0;
    double tokens = 0;
    clock::time_point refilled;
  };
  struct stripe {
    std::mutex mutex;
    std::unordered_map<boost::asio::ip::address, entry> entries;
    std::size_t sweep_at = 64;  // the map's size that triggers the next sweep of idle entries
  };

  double tokens_at(const entry& e, clock::time_point now) const noexcept;
  void sweep(stripe& s, clock::time_point now);
  stripe& stripe_of(const boost::asio::ip::address& address);

  client_limits limits_;
  std::array<stripe, 16> stripes_;
};

}  // namespace switchboard::engine::detail
