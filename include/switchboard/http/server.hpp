#pragma once
/// @file
/// The HTTP/1.1 listener: accepts on one port (plain or TLS), spreads connections over the
/// shards, and routes each request by path prefix. WebSocket upgrades go to the same routes.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "switchboard/http/peer_address.hpp"
#include "switchboard/http/shard_pool.hpp"
#include "switchboard/http/websocket_channel.hpp"

/// The HTTP/1.1 and WebSocket layer: the shards (event loops), the listener, routes by path
/// prefix, and WebSocket channels.
namespace switchboard::http {

/// The certificate and key that make the listener serve HTTPS and WSS.
struct tls_options {
  std::string certificate_chain_file;  ///< PEM.
  std::string private_key_file;        ///< PEM.
};

/// The listener's address, threads and limits.
struct server_options {
  /// The address to bind. "::" listens on every IPv6 and IPv4 address (dual stack), "0.0.0.0" on
  /// every IPv4 one.
  std::string address = "127.0.0.1";
  /// The port to bind; 0: any free port, see server::port().
  std::uint16_t port = 0;
  /// More addresses to listen on, on the same port as `address` (the one it got when `port` is 0):
  /// {"127.0.0.1", "::1"} beside each other, for instance. Connections from every address share
  /// the shards and the limits.
  std::vector<std::string> more_addresses;
  /// Shards (event-loop threads); 0: one shard per core, at most 64.
  std::size_t threads = 0;
  /// Bytes of a request's header.
  std::size_t header_limit = 16 * 1024;
  /// Bytes of a request body, for paths no route claims (a route sets its own).
  std::size_t body_limit = 1024 * 1024;
  /// To read a body and to write an answer.
  std::chrono::milliseconds idle_timeout{60'000};
  /// HTTPS and WSS on the same port (start() throws if the library was built with
  /// SWITCHBOARD_HTTP_TLS=OFF).
  std::optional<tls_options> tls;

  // Connection limits, counted on the TCP peer (X-Forwarded-For is the engine's business). A
  // connection over a limit is answered `503 Service Unavailable` with a JSON body
  // {"code":503,"message":"..."} and `Connection: close` without reading its request, then closed.
  /// Open connections (HTTP, WebSocket, still shaking hands). 0: the soft RLIMIT_NOFILE read at
  /// start() minus a reserve of 64; a larger value is lowered to that too. A connection over this
  /// or another connection limit is answered 503 without reading its request, then closed.
  std::size_t max_connections = 0;
  /// Open connections per TCP peer address; 0: no limit.
  std::size_t max_connections_per_ip = 256;
  /// Loopback peers are not limited per address: behind a local proxy every client would share
  /// 127.0.0.1's (the engine's per-address limits make the same exception).
  bool exempt_loopback = true;
  /// More networks not limited per address (address_ranges::parse): a cluster's other nodes, whose
  /// relayed requests all come from their own address.
  address_ranges exempt_addresses;
  /// From accept (and TLS handshake) to the end of a request's header, and from the end of one
  /// answer to the next request's header on a keep-alive connection: a client slower than this
  /// is disconnected without an answer. Capped by idle_timeout.
  std::chrono::milliseconds header_timeout{10'000};
  /// New connections that have not yet sent their first request header. Beyond it new
  /// connections are refused (503), the ones already waiting keep their header_timeout.
  std::size_t max_header_phase_connections = 1024;
};

/// What the listener has counted since start(); every field is read with relaxed atomics.
struct server_stats {
  std::uint64_t connections_open = 0;           ///< Now.
  std::uint64_t refused_total_limit = 0;        ///< Refused by max_connections.
  std::uint64_t refused_per_ip_limit = 0;       ///< Refused by max_connections_per_ip.
  std::uint64_t refused_header_phase_limit = 0; ///< Refused by max_header_phase_connections.
  std::uint64_t header_timeouts = 0;            ///< Connections whose header_timeout expired.
  std::uint64_t accept_errors = 0;              ///< Out of descriptors (EMFILE/ENFILE) and other accept failures.
  std::uint64_t framing_refused = 0;            ///< Requests refused for their framing (Transfer-Encoding, Content-Length).
  std::uint64_t websocket_queue_overflows = 0;  ///< WebSocket connections dropped for their outbound queue.
  std::uint64_t websocket_pongs_replaced = 0;   ///< Pongs superseded by a newer ping before they were sent.
};

/// The HTTP/1.1 listener: binds one port, spreads the accepted connections over its shards, and
/// hands each request (or WebSocket upgrade) to the route of the longest matching path prefix.
/// start() and stop() from one controlling thread; the routes are called on the shards.
/// @code
/// switchboard::http::server http({.port = 3000});
/// auto io = switchboard::sio::server::attach(http, {});  // mounts itself at /socket.io/
/// http.mount("/app/", std::make_shared<ping_route>());    // routes of the application
/// http.start();
/// std::cout << "listening on " << http.port() << std::endl;
/// // ... until a stop signal:
/// http.stop();
/// @endcode
class server {
 public:
  /// Makes the shards; nothing is bound before start().
  explicit server(server_options options);
  /// Stops the server (stop()).
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  /// Requests whose path starts with `prefix` go to `r` (the longest matching prefix wins).
  /// Call before start(). Throws std::logic_error when `prefix` is mounted already.
  void mount(std::string prefix, std::shared_ptr<route> r);

  /// Binds and starts the shards; throws std::system_error if the address cannot be bound or
  /// the TLS files cannot be loaded.
  void start();
  /// Stops accepting, stops every shard's loop and joins its thread. Connections are not closed
  /// gracefully: close the sessions first (engine::server::close_all(), sio::server::close())
  /// and give them time to go.
  void stop();

  /// The bound port (the one chosen when options.port is 0); 0 before start().
  std::uint16_t port() const noexcept;
  /// The counters since start(), all zero before it. From any thread.
  server_stats stats() const noexcept;
  /// The total connection limit in force: max_connections as resolved by start() (0 before it).
  std::size_t max_connections() const noexcept;
  /// The shards, for the layers mounted on this server.
  shard_pool& shards() noexcept;
  /// The options given at construction.
  const server_options& options() const noexcept;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace switchboard::http
