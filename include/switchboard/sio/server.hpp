#pragma once
/// @file
/// The Socket.IO v5 server: namespaces, middleware, sockets, rooms and broadcasts over the
/// Engine.IO server, as Socket.IO users know them (io.of("/chat").on_connection(...)).
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

#include "switchboard/engine/server.hpp"
#include "switchboard/sio/broadcast.hpp"
#include "switchboard/sio/reserved_rooms.hpp"
#include "switchboard/sio/socket.hpp"

/// @namespace switchboard
/// A Socket.IO-compatible server library, in layers: wire (codecs), http (listener and shards),
/// engine (Engine.IO), sio (Socket.IO), auth (tokens and the guard), realtime (the attached server
/// and typed events), cluster (the Redis adapter) and log.

/// The Socket.IO v5 server: namespaces, middleware, sockets, rooms, acks and broadcasts.
namespace switchboard::sio {

/// What a middleware refuses a connection with: the client's connect_error gets
/// {"message": message, "data": data}.
struct connect_error {
  std::string message;  ///< The error's message.
  boost::json::value data = nullptr;  ///< Sent as `data`, unless null.
};

/// Lets a connection attempt go on (nullopt) or refuses it (a connect_error). Call it once, from
/// any thread; later calls do nothing.
using next_fn = std::function<void(std::optional<connect_error>)>;
/// Runs before the socket exists for the namespace; call next() once, from any thread.
/// It runs on the socket's shard: the socket is not connected yet, but may join rooms and fill
/// data().
using middleware = std::function<void(socket&, next_fn next)>;
/// Runs for each socket admitted to a namespace, on its shard: where its handlers are set.
using connection_handler = std::function<void(socket&)>;

/// What a socket does with inbound events over its token bucket.
enum class event_overflow {
  drop,        ///< The event is dropped (no handler runs, no ack is sent) and counted.
  disconnect,  ///< The socket is disconnected: the client gets DISCONNECT ("io server disconnect").
};

/// A token bucket per socket over inbound EVENT packets (acks are not counted). Default policy:
/// drop, so that a burst costs the client events, not its connection.
struct event_limits {
  std::uint32_t events_per_second = 100;  ///< Refill rate; 0: no limit.
  std::uint32_t event_burst = 200;        ///< Bucket size: events accepted at once.
  event_overflow on_excess = event_overflow::drop;  ///< What an event over the bucket does.
};

/// How Socket.IO packets are written on the wire (the reference's `parser` option). A msgpack
/// server also serves JSON clients: a connection's first message (its CONNECT) tells which.
enum class parser_kind {
  json,     ///< The default parser: text packets, binary as attachments.
  msgpack,  ///< `socket.io-msgpack-parser` 3: each packet one binary MessagePack message.
};

/// Everything a Socket.IO server is configured with.
struct options {
  /// The Engine.IO server's options: path, heartbeat, CORS, transport limits.
  engine::options engine;
  /// The packet encoding of the server's clients (JSON clients are served by a msgpack server too).
  parser_kind parser = parser_kind::json;
  /// Makes each namespace's adapter from the local one (a cluster adapter wraps it); unset: local.
  std::function<std::unique_ptr<adapter>(const std::string& nsp, std::unique_ptr<adapter> local)> adapter_factory;
  /// A connection that joins no namespace within this is closed ("connect timeout").
  std::chrono::milliseconds connect_timeout{45'000};
  /// Answers awaited per socket (emit_with_ack and broadcasts).
  std::size_t max_pending_acks = 1024;
  /// Per socket; namespace_::limit_events overrides.
  event_limits events;
  /// Binary attachments a connected client may have parked in the decoder (a packet waiting for
  /// its attachments), in bytes; over it the connection is closed. Before its first namespace is
  /// admitted a client may send no binary at all: the connection is closed (the reference ignores
  /// such packets, but would let a stranger park megabytes).
  std::size_t max_parked_attachment_bytes = 1'000'000;
};

// User code that throws (middleware, connection handlers server-wide or not, event, any,
// disconnecting and disconnect handlers, ack callbacks, dynamic namespace setup) never ends the
// process: the exception (std::exception or anything else) is caught and logged as a warning
// with the socket's correlation id, socket id, namespace and the kind of handler, and that
// socket alone is disconnected ("server namespace disconnect"). A throwing middleware or
// dynamic namespace setup refuses the connection with connect_error {"message": "Internal
// server error"}. Handlers run while the socket is already closing (disconnecting, disconnect,
// acks failed by the disconnect) are logged and the next one runs. Counted: handler_errors().

/// A namespace handle. Configure it (use, on_connection) before clients connect to it.
/// The server keeps its namespaces' handlers: a handler must not own the server (capture a
/// reference or weak_ptr, not the shared_ptr), or neither is ever freed.
/// A handle is a cheap copy; broadcasts (to(), emit()...) may be made from any thread.
class namespace_ {
 public:
  /// A handle on a namespace's state; the server makes them (server::of()).
  explicit namespace_(std::shared_ptr<detail::namespace_state> state) : state_(std::move(state)) {}
  /// The namespace's name ("/", "/chat").
  const std::string& name() const noexcept;
  /// Adds a middleware, run after the server-wide ones and those added before. Before clients connect.
  namespace_& use(middleware m);
  /// Sets the connection handler of this namespace (one: a second call replaces the first),
  /// run after the server-wide ones. Before clients connect.
  namespace_& on_connection(connection_handler h);
  /// Handles `event` for every socket of the namespace that has no handler of its own for it
  /// (socket::on): one handler shared by all, where a connection handler would give each socket
  /// a copy. A second call for the same event replaces the first. Before clients connect.
  namespace_& on(std::string event, event_handler handler);
  /// Overrides options::events for the sockets of this namespace that connect from now on.
  namespace_& limit_events(event_limits limits);

  /// The sockets in `room`.
  broadcast_operator to(std::string room) const { return all().to(std::move(room)); }
  /// The same as to().
  broadcast_operator in(std::string room) const { return all().to(std::move(room)); }
  /// Every socket but those in `room`.
  broadcast_operator except(std::string room) const { return all().except(std::move(room)); }
  /// Every socket of the namespace.
  broadcast_operator all() const { return broadcast_operator(state_); }
  /// Sends an event to every socket of the namespace (broadcast_operator::emit()).
  std::error_code emit(std::string_view event, arguments args = {}) const { return all().emit(event, std::move(args)); }
  /// emit() with C++ values, as Node's `io.emit(event, ...args)`: make_arguments(values...).
  template <class... Values>
    requires detail::argument_values<Values...>
  std::error_code emit(std::string_view event, Values&&... values) const {
    return all().emit(event, make_arguments(std::forward<Values>(values)...));
  }
  /// Sockets and rooms of the namespace; `done` runs on a shard.
  void counts(std::function<void(std::size_t sockets, std::size_t rooms)> done) const;

 private:
  std::shared_ptr<detail::namespace_state> state_;
};

/// Watches sockets come and go, their rooms and their events, in every namespace: what an
/// operator's dashboard shows (switchboard::admin). Each call runs on the socket's shard, inline
/// with the traffic it reports: keep it short; it may change the socket's data(), nothing else.
class observer {
 public:
  virtual ~observer() = default;
  /// The socket was admitted to its namespace (its rooms joined, CONNECT answered).
  virtual void socket_connected(socket& s) = 0;
  /// The socket left its namespace for `reason` (its rooms are left after this call).
  virtual void socket_disconnected(socket& s, std::string_view reason) = 0;
  /// The socket's connection moved from polling to WebSocket.
  virtual void transport_upgraded(socket& s) = 0;
  /// The socket is now in `room` (its own room included).
  virtual void room_joined(socket& s, const std::string& room) = 0;
  /// The socket is no longer in `room`.
  virtual void room_left(socket& s, const std::string& room) = 0;
  /// The client sent `event` with `args` (before the handlers run).
  virtual void event_received(socket& s, std::string_view event, const arguments& args) = 0;
  /// An EVENT packet was queued for the client: sent to it alone, or one recipient of a broadcast.
  /// `p.data` is [event, ...args] with binary placeholders.
  virtual void event_sent(socket& s, const wire::sio::packet& p) = 0;
  /// Whether event_sent is wanted for the recipients of broadcasts (each broadcast then keeps a
  /// copy of its packet for them). Asked per broadcast.
  virtual bool wants_broadcast_events() const { return true; }
};

/// The Socket.IO server: its namespaces, server-wide middleware and connection handlers, over an
/// Engine.IO server it is the handler of. Configure it before the http::server starts; of(),
/// find(), close() and the counters are thread-safe.
///
/// User code that throws (middleware, handlers, ack callbacks, dynamic namespace setup) never
/// ends the process: the exception is caught and logged, and that socket alone is disconnected
/// ("server namespace disconnect"); a throwing middleware or namespace setup refuses the
/// connection with connect_error {"message": "Internal server error"}. Counted: handler_errors().
/// @code
/// switchboard::http::server http({.port = 3000});
/// auto io = sio::server::attach(http, {});
/// io->of("/").on_connection([](sio::socket& socket) {
///   socket.emit("welcome", {.values = {socket.id()}});
///   socket.on("hello", [](sio::socket&, sio::arguments& args, sio::ack_sender ack) { ack(args); });
/// });
/// http.start();
/// @endcode
class server final : public engine::handler, public std::enable_shared_from_this<server> {
 public:
  /// A server on `shards`, not yet attached to an Engine.IO server: use attach().
  server(http::shard_pool& shards, options opts);
  ~server() override;

  /// Creates the server and its Engine.IO server, mounted on `http` at opts.engine.path.
  static std::shared_ptr<server> attach(http::server& http, options opts);

  /// The namespace of that name ("chat" is "/chat"), created on first use. Thread-safe.
  namespace_ of(const std::string& name);
  /// The namespace of that name if it exists (dynamic ones once a client created them); "chat"
  /// and "/chat" name the same one, as in of(). Thread-safe.
  std::optional<namespace_> find(const std::string& name);
  /// The names of the namespaces that exist now (dynamic ones while they live), sorted. Thread-safe.
  std::vector<std::string> namespace_names() const;
  /// Namespaces created when a client first connects to a name `accept` allows; `setup`
  /// configures each new one (middleware, handlers) before the client joins it. Setup runs
  /// outside the server's lock (it may call of()); two clients creating the same name at once may
  /// each run it, and one result is kept. A dynamic namespace is freed when its last socket
  /// leaves (one that of() named is kept).
  void dynamic_namespaces(std::function<bool(std::string_view)> accept, std::function<void(namespace_)> setup);

  /// Adds a middleware of the main namespace "/", as Node's `io.use(fn)`: the same as
  /// `of("/").use(m)`. Set it up before clients connect.
  ///
  /// @code
  /// io->use([](sio::socket& s, sio::next_fn next) { next(std::nullopt); });  // "/" only
  /// @endcode
  server& use(middleware m);
  /// Adds a server-wide middleware: in every namespace, dynamic ones included, before the
  /// namespace's own (the auth guard is one). Set it up before clients connect.
  server& use_in_every_namespace(middleware m);
  /// Adds a server-wide connection handler: in every namespace, dynamic ones included, before the
  /// namespace's own. Set it up before clients connect.
  server& on_connection(connection_handler h);
  /// Reserves a room prefix: socket::join and sockets_join refuse its rooms, and the returned
  /// capability alone enters them. Before clients connect; throws std::logic_error when the prefix
  /// is empty or overlaps one already reserved.
  reserved_rooms reserve_rooms(std::string prefix);
  /// Reports what happens in every namespace to `o`, beside the observers already added (each
  /// hears every report, in the order they were added; broadcast recipients come when any of them
  /// wants them). Set it up before clients connect. Without one the hooks cost a pointer test.
  server& observe(std::shared_ptr<observer> o);

  /// Disconnects every client ("server shutting down"). Returns at once; the closes run on the
  /// shards. Thread-safe.
  void close();
  /// Node's io.close(): disconnects every client ("server shutting down") and waits until their
  /// sessions have ended, then lets every shard run once more so that the last answers are
  /// written. A WebSocket client gets its close at once; a polling client has `drain` (at most
  /// engine::options::ping_timeout) to come for its close packet, after which its session ends
  /// without it. Returns the sessions still open (0 unless a shard is stuck, 2 s past `drain`).
  /// Blocks: call it from the controlling thread, never from a shard, and stop the http::server
  /// after it.
  std::size_t close(std::chrono::milliseconds drain);

  /// How many broadcast packets were encoded (one per emit, whatever the recipients). Thread-safe.
  std::size_t encoded_broadcasts() const noexcept;
  // Counters for /metrics, thread-safe (relaxed):
  std::size_t dynamic_namespaces_alive() const noexcept;  ///< Dynamic namespaces not yet freed. Thread-safe.
  std::size_t dropped_events() const noexcept;            ///< Over the token bucket, dropped. Thread-safe.
  std::size_t event_limit_disconnects() const noexcept;   ///< Sockets disconnected by it. Thread-safe.
  std::size_t handler_errors() const noexcept;            ///< User code that threw. Thread-safe.
  std::size_t attachment_refusals() const noexcept;       ///< Connections closed for binary parked. Thread-safe.
  /// The Engine.IO server under this one.
  /// Valid while the http::server it is attached to lives (that server owns it).
  engine::server& engine() noexcept { return *engine_; }

  /// A new Engine.IO session: its Socket.IO client starts. Called by the engine::server.
  void on_open(const engine::session_ptr& s) override;
  /// A message of the session, decoded and dispatched. Called by the engine::server.
  void on_message(const engine::session_ptr& s, bool binary, std::string data) override;
  /// The session ended: each of its sockets leaves its namespace with `reason`. Called by the
  /// engine::server.
  void on_close(const engine::session_ptr& s, std::string_view reason) override;
  /// The session moved to WebSocket: the observer hears of each of its sockets. Called by the
  /// engine::server.
  void on_upgrade(const engine::session_ptr& s) override;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
  engine::server* engine_ = nullptr;  // owned by the http::server's routes; it holds us as its handler
};

}  // namespace switchboard::sio
