#pragma once
// What an engine::server and its sessions share. Sessions hold this, not the server: the server
// owns its sessions (the registries), so a session holding the server would be a cycle.
#include <atomic>
#include <memory>

#include "client_limiter.hpp"
#include "switchboard/engine/options.hpp"
#include "switchboard/engine/session.hpp"
#include "switchboard/http/deadline_queue.hpp"

namespace switchboard::engine {
class session_impl;
}

namespace switchboard::engine::detail {

// The heartbeats and close graces of one shard's sessions, behind one timer.
using session_deadlines = http::deadline_queue<session_impl>;

// Written by its shard only; a cache line each, so that shards never share one.
struct alignas(64) shard_traffic {
  std::atomic<std::uint64_t> bytes_in{0}, bytes_out{0}, dropped{0}, overflows{0}, byte_overflows{0};
  std::atomic<std::int64_t> queued_bytes{0};  // gauge: bytes in the queues of this shard's sessions
  std::atomic<std::uint64_t> refused_address_sessions{0}, refused_handshake_rate{0}, refused_unauthenticated{0},
      refused_allow_request{0}, pre_auth_timeouts{0}, probe_abuse{0};
  std::atomic<std::uint64_t> relayed_requests{0}, relayed_upgrades{0}, relay_owner_gone{0};
  std::atomic<std::uint64_t> sessions_opened{0}, messages_in{0}, messages_out{0};
};

// Thread-safe: the options and handler never change; the rest are atomics or locked.
struct server_state {
  server_state(options o, std::shared_ptr<engine::handler> h, std::size_t shards)
      : opts(std::move(o)), handler(std::move(h)), traffic(std::make_unique<shard_traffic[]>(shards)),
        deadlines(std::make_unique<std::shared_ptr<session_deadlines>[]>(shards)),
        clients(opts.clients), node_id(opts.cluster.directory ? opts.cluster.directory->node_id() : std::string()) {}

  // Takes a place in the unauthenticated budget for a session holding `bytes`; false when over.
  bool acquire_unauthenticated(std::size_t bytes) noexcept {
    const std::size_t n = unauthenticated_sessions.fetch_add(1, std::memory_order_relaxed) + 1;
    const std::size_t b = unauthenticated_bytes.fetch_add(bytes, std::memory_order_relaxed) + bytes;
    const auto& limits = opts.unauthenticated;
    if ((limits.max_sessions != 0 && n > limits.max_sessions) || (limits.max_bytes != 0 && b > limits.max_bytes)) {
      release_unauthenticated(bytes);
      return false;
    }
    return true;
  }
  void release_unauthenticated(std::size_t bytes) noexcept {
    unauthenticated_sessions.fetch_sub(1, std::memory_order_relaxed);
    unauthenticated_bytes.fetch_sub(bytes, std::memory_order_relaxed);
  }

  const options opts;
  const std::shared_ptr<engine::handler> handler;
  std::unique_ptr<shard_traffic[]> traffic;
  // One per shard, made by the shard at its first session (each slot is touched by its shard only).
  std::unique_ptr<std::shared_ptr<session_deadlines>[]> deadlines;
  client_limiter clients;
  const std::string node_id;  // this node's, in session ids; empty on a single node
  std::atomic<std::size_t> session_count{0};
  std::atomic<std::size_t> waiting_polls{0};
  std::atomic<std::size_t> polling_sessions{0};  // open sessions whose transport is polling
  std::atomic<std::size_t> unauthenticated_sessions{0};
  std::atomic<std::size_t> unauthenticated_bytes{0};
};

}  // namespace switchboard::engine::detail
