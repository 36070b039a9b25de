#pragma once
/// @file
/// The Engine.IO v4 server: polling and WebSocket transports, upgrade, heartbeat, CORS.
/// It is an http::route: mount it on an http::server at options.path.
#include <atomic>
#include <memory>
#include <optional>
#include <vector>

#include "switchboard/engine/options.hpp"
#include "switchboard/engine/session.hpp"
#include "switchboard/http/relay.hpp"
#include "switchboard/http/server.hpp"

/// The Engine.IO v4 server: sessions over long-polling and WebSocket, upgrades, heartbeat, CORS
/// and per-address limits. The layer above (sio::server) implements handler.
namespace switchboard::engine {

class session_registry;
namespace detail {
struct server_state;
}

/// The Engine.IO server, an http::route that hands each session's messages to a handler.
/// Construct and attach before the http::server starts; the route methods run on the shards.
/// Lifetime: the server owns its sessions; a session holds only the server's shared state and a
/// weak reference to it, so dropping the last reference to the server (the http::server's route
/// and the app's) frees it and every session no transport or handler still holds.
/// @code
/// http::server server(http_options);
/// engine::options options;
/// options.path = "/engine.io/";
/// auto engine = engine::server::attach(server, options, std::make_shared<echo_handler>());
/// server.start();
/// // ... until a stop signal:
/// engine->close_all();
/// while (engine->session_count() > 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
/// server.stop();
/// @endcode
class server final : public http::route, public std::enable_shared_from_this<server> {
 public:
  /// A server on `shards` that tells `h` of its sessions; mount it (or use attach()). Throws
  /// std::invalid_argument for more than 64 shards.
  server(http::shard_pool& shards, options opts, std::shared_ptr<handler> h);
  ~server() override;

  /// Creates a server on `http`'s shards and mounts it on `http` at options().path.
  static std::shared_ptr<server> attach(http::server& http, options opts, std::shared_ptr<handler> h);

  /// A polling request (handshake, GET or POST of a session) or a CORS preflight. Called by the
  /// http::server.
  void on_request(http::exchange_ptr ex) override;
  /// A WebSocket handshake, new or the upgrade of a polling session. Called by the http::server.
  void on_websocket(http::websocket_upgrade_ptr upgrade) override;
  /// options::max_payload.
  std::size_t body_limit() const noexcept override { return opts().max_payload; }
  /// options::max_payload and options::per_message_deflate, for the WebSocket connections.
  http::websocket_options websocket() const noexcept override;

  /// Closes every session ("server shutting down"); returns at once, the closes run on the shards.
  /// A polling client has `grace` (at most options::ping_timeout) to collect the close packet with
  /// its next GET; then it is gone. Thread-safe.
  void close_all(std::chrono::milliseconds grace = std::chrono::milliseconds(1000));

  /// Sessions open now, over all shards. Thread-safe.
  std::size_t session_count() const noexcept;
  /// Sessions open now whose transport is still HTTP long-polling. Thread-safe.
  std::size_t polling_sessions() const noexcept;
  /// Polling GETs held open now, waiting for packets. Thread-safe.
  std::size_t waiting_polls() const noexcept;
  /// Sessions not yet marked authenticated. Thread-safe.
  std::size_t unauthenticated_sessions() const noexcept;
  /// The bytes of the unauthenticated sessions' handshake requests. Thread-safe.
  std::size_t unauthenticated_bytes() const noexcept;

  /// Totals since start, over all shards (each shard counts its own). Thread-safe.
  struct traffic {
    std::uint64_t bytes_in = 0;   ///< Engine.IO payload bytes received (polling bodies, WebSocket messages).
    std::uint64_t bytes_out = 0;  ///< And sent.
    std::uint64_t sessions_opened = 0;  ///< Sessions opened (handshakes accepted).
    std::uint64_t messages_in = 0;      ///< Engine.IO message packets received.
    std::uint64_t messages_out = 0;     ///< Frames queued for sending (a Socket.IO packet with its attachments is one).
    std::uint64_t dropped = 0;    ///< Packets not sent: volatile ones that could not go now, or a full queue's.
    std::uint64_t overflows = 0;  ///< Sends that found a session's queue full (packets or bytes).
    std::uint64_t byte_overflows = 0;  ///< ... of which the bytes limit (outbound.max_bytes).
    std::uint64_t queued_bytes = 0;    ///< Now: bytes waiting in the sessions' queues.
    std::uint64_t refused_address_sessions = 0;  ///< Handshakes refused: clients.max_sessions_per_address (429).
    std::uint64_t refused_handshake_rate = 0;    ///< Handshakes refused: clients.handshakes_per_second (429).
    std::uint64_t refused_unauthenticated = 0;   ///< Handshakes refused: the unauthenticated budget (503).
    std::uint64_t refused_allow_request = 0;     ///< Handshakes refused by options::allow_request (403).
    std::uint64_t pre_auth_timeouts = 0;         ///< Sessions closed by unauthenticated.pre_auth_timeout.
    std::uint64_t probe_abuse = 0;               ///< Upgrades closed for a second "2probe".
    std::uint64_t relayed_requests = 0;  ///< Polling requests for another node's session, relayed (cluster).
    std::uint64_t relayed_upgrades = 0;  ///< WebSocket upgrades of another node's session, tunnelled.
    std::uint64_t relay_owner_gone = 0;  ///< Requests for a node the directory does not know: Session ID unknown.
    http::relay_stats relay;             ///< The relayed requests' connections and outcomes.
  };
  /// The traffic counters summed over the shards. Thread-safe.
  traffic traffic_totals() const noexcept;

  /// The options given at construction.
  const options& opts() const noexcept;

 private:
  friend class session_impl;

  void handshake(http::exchange_ptr ex);
  void handshake(http::websocket_upgrade_ptr upgrade);
  // The new session's client address and budget share, or the refusal to answer with.
  struct admission {
    boost::asio::ip::address client;
    std::size_t cost = 0;
  };
  std::optional<admission> admit(const http::request& req, const boost::asio::ip::tcp::endpoint& remote,
                                 std::size_t shard, http::response& refusal);
  // Asks options::allow_request about an admitted handshake; then, on its shard, runs
  // `open`, or gives the admission back and hands `refuse` the 403 to answer with.
  void decide(std::size_t shard, const http::request& req, const boost::asio::ip::tcp::endpoint& remote,
              const admission& a, std::function<void()> open, std::function<void(http::response)> refuse);
  void open_polling(const http::exchange_ptr& ex, const admission& a);
  void open_websocket(const http::websocket_upgrade_ptr& upgrade, const admission& a);
  void register_session(std::shared_ptr<class session_impl> s);
  void unregister_session(const class session_impl& s);
  std::shared_ptr<class session_impl> find(std::size_t shard, const std::string& sid) const;
  // A request for node `owner`'s session: to that node, or Session ID unknown when it is gone.
  void relay(http::exchange_ptr ex, const std::string& owner);
  void relay(http::websocket_upgrade_ptr upgrade, const std::string& owner);

  http::shard_pool& shards_;
  std::shared_ptr<detail::server_state> state_;
  std::vector<std::unique_ptr<session_registry>> registries_;  // one per shard, touched only there
  std::unique_ptr<http::relay_pool> relay_;  // with options::cluster.directory only
};

}  // namespace switchboard::engine
