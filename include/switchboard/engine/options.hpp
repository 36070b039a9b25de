#pragma once
/// @file
/// Engine.IO server options; the defaults are the reference server's.
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <optional>

#include "switchboard/http/peer_address.hpp"
#include "switchboard/http/relay.hpp"
#include "switchboard/http/types.hpp"

namespace switchboard::engine {

/// Which browser origins may use the server.
struct cors_options {
  /// Allowed origins: exact ("https://app.example.com"), "*" (any), or a subdomain pattern
  /// ("https://*.example.com", which does not match the bare domain). Allowed origins get
  /// credentialed CORS answers, so the default allows no other browser origin at all. The server's
  /// own origin (Origin equal to http:// or https:// plus the request's Host) is always allowed.
  /// A refused origin gets 403 {"code":4,"message":"Forbidden"} and no CORS header.
  std::vector<std::string> origins;
  /// Requests without an Origin header come from non-browser clients.
  bool allow_missing_origin = true;
};

/// What a reliable packet that finds its session's queue full does.
enum class overflow_policy {
  close,  ///< A reliable packet over the limit closes the session ("queue overflow").
  drop,   ///< ... or is dropped, reported as send_status::dropped.
};

/// A session's queue: frames waiting for its transport (a GET to come, or the WebSocket to finish
/// its current write). A frame counts its WebSocket bytes. A frame over either limit meets
/// on_overflow; one frame alone in an empty queue is always taken, so that a large message still
/// goes to a reader. A session holds at most the queue plus the one batch being written: about
/// 2 x max_bytes. Default 4 MiB: four messages of max_payload, or the whole 4,096-packet queue of
/// 1 KB messages; a slow consumer used to hold up to 4,096 x 64 KB = 256 MB.
/// Counters: traffic.overflows, traffic.byte_overflows, traffic.dropped; gauge traffic.queued_bytes.
struct outbound_options {
  std::size_t max_packets = 4096;                ///< Per session, whatever the transport.
  std::size_t max_bytes = std::size_t{4} << 20;  ///< Per session: 4 MiB.
  overflow_policy on_overflow = overflow_policy::close;  ///< What a reliable frame over a limit does.
};

/// Limits per client address, over all shards. The client address is the TCP peer's, or with
/// trust_proxy the last X-Forwarded-For entry (the one the trusted proxy appended); a missing
/// or unparsable header falls back to the TCP peer. Refusals are HTTP 429 with
/// {"code":4,"message":"Too many requests"} (polling and WebSocket handshakes alike): Engine.IO has
/// no code for it, and 4 is what the reference answers when its allowRequest hook refuses.
/// The defaults let a NAT'd office through: 1,000 tabs at once, 100 reconnecting in the same
/// instant after a restart, then 20 new ones a second (1,200 a minute); one address cannot hold
/// thousands of sessions or open them at flood rates. Counters: traffic.refused_address_sessions,
/// traffic.refused_handshake_rate.
struct client_limits {
  /// Concurrent Engine.IO sessions; 0: no limit.
  std::size_t max_sessions_per_address = 1000;
  /// Token bucket refill, in handshakes per second; 0: no rate limit.
  double handshakes_per_second = 20;
  /// Token bucket size: handshakes accepted at once.
  double handshake_burst = 100;
  /// Whether X-Forwarded-For names the client: only behind a proxy that appends to it.
  bool trust_proxy = false;
  /// Loopback clients are not limited: behind a local proxy without trust_proxy, every client
  /// would otherwise share 127.0.0.1's limits.
  bool exempt_loopback = true;
  /// More networks whose clients are not limited (http::address_ranges::parse).
  http::address_ranges exempt_addresses;
};

/// A session is unauthenticated until the layer above calls session::mark_authenticated().
/// Over either budget, new handshakes are refused: HTTP 503 with
/// {"code":4,"message":"Server busy"}. An unauthenticated session older than pre_auth_timeout
/// is closed with reason "unauthenticated timeout" (the client sees a close packet; a polling
/// client has 1 s to collect it). Counters: traffic.refused_unauthenticated,
/// traffic.pre_auth_timeouts; gauges server::unauthenticated_sessions() and _bytes().
/// A server used without a layer that authenticates should set pre_auth_timeout to 0, or call
/// mark_authenticated() in handler::on_open.
struct unauthenticated_options {
  /// Unauthenticated sessions over all shards; 0: no limit.
  std::size_t max_sessions = 10'000;
  /// Bytes of their handshake requests (headers, target); 0: no limit.
  std::size_t max_bytes = std::size_t{64} << 20;
  /// How long a session may stay unauthenticated; 0: no limit.
  std::chrono::milliseconds pre_auth_timeout{10'000};
};

/// The answer to one options::allow_request call: allow() or refuse(), once (later calls do
/// nothing), from any thread, at once or later, but before the http::server is destroyed (the
/// answer is posted to its shard). Destroyed unanswered, it refuses ("Forbidden"), so that a
/// handshake never hangs on a lost decision. Copies share the answer.
class request_decision {
 public:
  /// The handshake goes on: the session opens (within the limits already checked).
  void allow() const;
  /// The handshake is refused: 403 with {"code":4,"message":"<message>"}, as the reference's
  /// allowRequest refusal, and no session.
  void refuse(std::string message = "Forbidden") const;

  struct state;  ///< Shared by the copies; the engine's.
  /// Made by the engine for each handshake it asks about.
  explicit request_decision(std::shared_ptr<state> s) : state_(std::move(s)) {}

 private:
  std::shared_ptr<state> state_;
};

/// Node's `allowRequest`: asked about every handshake (a request without a session id, polling or
/// WebSocket) after the origin, query and per-address limits have passed, before the session
/// exists. Runs on the request's shard: answer at once, or keep `decision` and answer from any
/// thread (a database lookup, another service). Must not throw: an exception refuses the request.
/// @code
/// options.allow_request = [](const http::request& req, const boost::asio::ip::tcp::endpoint&,
///                            engine::request_decision decision) {
///   if (req[boost::beast::http::field::user_agent].empty()) return decision.refuse("Who are you?");
///   decision.allow();
/// };
/// @endcode
using allow_request_handler =
    std::function<void(const http::request& req, const boost::asio::ip::tcp::endpoint& remote, request_decision decision)>;

/// The nodes of a cluster, as the engine needs them for long-polling without sticky sessions:
/// every session id starts with its owner node's id, and a request for another node's session
/// (a polling GET or POST, a WebSocket upgrade) is relayed to that node. Implemented over Redis
/// by cluster::redis_cluster::session_directory().
class session_directory {
 public:
  virtual ~session_directory() = default;
  /// This node's id: 1 to 16 characters of [A-Za-z0-9_-], the prefix of its session ids.
  virtual const std::string& node_id() const noexcept = 0;
  /// Where node `id` takes relayed requests; nullopt when no such node is alive. `found` runs
  /// once, on any thread, never inside this call.
  virtual void locate(const std::string& id,
                      std::function<void(std::optional<boost::asio::ip::tcp::endpoint>)> found) = 0;
};

/// Sessions owned by other nodes: where they are, and the connections their requests go over.
/// A request relayed to its owner carries the header `X-Switchboard-Relayed`, and is never relayed
/// again: a session its owner does not know is `Session ID unknown`, as on a single node.
/// Counters: traffic.relayed_requests, relayed_upgrades, relay_owner_gone, and the relay_pool's.
struct cluster_options {
  /// Empty: a single node, session ids carry no node id and nothing is relayed.
  std::shared_ptr<session_directory> directory;
  /// The relayed HTTP requests' connections. exchange_timeout is raised to ping_interval +
  /// ping_timeout + 5 s when shorter: a polling GET is held up to ping_interval at its owner.
  http::relay_options relay;
};

/// Everything an Engine.IO server is configured with.
struct options {
  /// Where the server is mounted on the http::server.
  std::string path = "/socket.io/";
  /// How often the server pings each session (sent in the handshake as pingInterval).
  std::chrono::milliseconds ping_interval{25'000};
  /// How long a ping waits for its pong before the session ends ("ping timeout").
  std::chrono::milliseconds ping_timeout{20'000};
  /// A WebSocket upgrade probe that never completes is dropped after this.
  std::chrono::milliseconds upgrade_timeout{10'000};
  /// Bytes per POST body or WebSocket message (sent in the handshake as maxPayload).
  std::size_t max_payload = 1'000'000;
  /// Whether clients may use HTTP long-polling.
  bool allow_polling = true;
  /// Whether clients may use WebSocket.
  bool allow_websocket = true;
  /// Whether clients of Engine.IO protocol 3 (Socket.IO v2 clients; handshakes with EIO=3) are
  /// served, as Node's `allowEIO3`: length-prefixed polling payloads, pings from the client (the
  /// sio layer applies the v2 connection rules). Off: their handshake gets 400 "Unsupported
  /// protocol version".
  bool allow_eio3 = false;
  /// Offer permessage-deflate on WebSocket connections.
  bool per_message_deflate = false;
  /// Allowed browser origins.
  cors_options cors;
  /// Each session's outbound queue.
  outbound_options outbound;
  /// Per-address limits.
  client_limits clients;
  /// The budget of sessions not yet authenticated.
  unauthenticated_options unauthenticated;
  /// Decides each handshake before its session exists; empty: every handshake that passes the
  /// limits is allowed.
  allow_request_handler allow_request;
  /// Relaying to the other nodes of a cluster; off by default.
  cluster_options cluster;
};

}  // namespace switchboard::engine
