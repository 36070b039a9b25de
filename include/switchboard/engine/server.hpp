#pragma once
// The Engine.IO v4 server: polling and WebSocket transports, upgrade, heartbeat, CORS.
// It is an http::route: mount it on an http::server at options.path.
#include <atomic>
#include <memory>
#include <vector>

#include "switchboard/engine/options.hpp"
#include "switchboard/engine/session.hpp"
#include "switchboard/http/server.hpp"

namespace switchboard::engine {

class session_registry;

// Construct and attach before the http::server starts; the route methods run on the shards.
class server final : public http::route, public std::enable_shared_from_this<server> {
 public:
  server(http::shard_pool& shards, options opts, std::shared_ptr<handler> h);
  ~server() override;

  // Mounts this server on `http` at options().path.
  static std::shared_ptr<server> attach(http::server& http, options opts, std::shared_ptr<handler> h);

  void on_request(http::exchange_ptr ex) override;
  void on_websocket(http::websocket_upgrade_ptr upgrade) override;
  std::size_t body_limit() const noexcept override { return options_.max_payload; }
  http::websocket_options websocket() const noexcept override;

  // Closes every session ("server shutting down"); returns at once, the closes run on the shards.
  // A polling client has `grace` to collect the close packet with its next GET; then it is gone.
  void close_all(std::chrono::milliseconds grace = std::chrono::milliseconds(1000));

  // Sessions open now, over all shards. Thread-safe.
  std::size_t session_count() const noexcept { return session_count_.load(std::memory_order_relaxed); }
  // Polling GETs held open now, waiting for packets. Thread-safe.
  std::size_t waiting_polls() const noexcept { return waiting_polls_.load(std::memory_order_relaxed); }

  // Totals since start, over all shards (each shard counts its own). Thread-safe.
  struct traffic {
    std::uint64_t bytes_in = 0;   // Engine.IO payload bytes received (polling bodies, WebSocket messages)
    std::uint64_t bytes_out = 0;  // and sent
    std::uint64_t dropped = 0;    // packets not sent: volatile ones that could not go now, or a full queue's
    std::uint64_t overflows = 0;  // sends that found a session's queue full
  };
  traffic traffic_totals() const noexcept;

  const options& opts() const noexcept { return options_; }

 private:
  friend class session_impl;

  void handshake(http::exchange_ptr ex);
  void handshake(http::websocket_upgrade_ptr upgrade);
  void register_session(std::shared_ptr<class session_impl> s);
  void unregister_session(const class session_impl& s);
  std::shared_ptr<class session_impl> find(std::size_t shard, const std::string& sid) const;

  http::shard_pool& shards_;
  options options_;
  std::shared_ptr<handler> handler_;
  std::vector<std::unique_ptr<session_registry>> registries_;  // one per shard, touched only there
  std::atomic<std::size_t> session_count_{0};
  std::atomic<std::size_t> waiting_polls_{0};
  // Written by its shard only; a cache line each, so that shards never share one.
  struct alignas(64) shard_traffic {
    std::atomic<std::uint64_t> bytes_in{0}, bytes_out{0}, dropped{0}, overflows{0};
  };
  std::unique_ptr<shard_traffic[]> traffic_;
};

}  // namespace switchboard::engine
