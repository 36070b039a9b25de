#pragma once
// The Socket.IO v5 server: namespaces, middleware, sockets, rooms and broadcasts over the
// Engine.IO server, as Socket.IO users know them (io.of("/chat").on_connection(...)).
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

#include "switchboard/engine/server.hpp"
#include "switchboard/sio/broadcast.hpp"
#include "switchboard/sio/socket.hpp"

namespace switchboard::sio {

// What a middleware refuses a connection with: the client's connect_error gets
// {"message": message, "data": data}.
struct connect_error {
  std::string message;
  boost::json::value data = nullptr;
};

using next_fn = std::function<void(std::optional<connect_error>)>;
// Runs before the socket exists for the namespace; call next() once, from any thread.
using middleware = std::function<void(socket&, next_fn next)>;
using connection_handler = std::function<void(socket&)>;

// What a socket does with inbound events over its token bucket.
enum class event_overflow {
  drop,        // the event is dropped (no handler runs, no ack is sent) and counted
  disconnect,  // the socket is disconnected: the client gets DISCONNECT ("io server disconnect")
};

// A token bucket per socket over inbound EVENT packets (acks are not counted). Default policy:
// drop, so that a burst costs the client events, not its connection.
struct event_limits {
  std::uint32_t events_per_second = 100;  // refill rate; 0: no limit
  std::uint32_t event_burst = 200;        // bucket size: events accepted at once
  event_overflow on_excess = event_overflow::drop;
};

struct options {
  engine::options engine;
  // Makes each namespace's adapter from the local one (a cluster adapter wraps it); unset: local.
  std::function<std::unique_ptr<adapter>(const std::string& nsp, std::unique_ptr<adapter> local)> adapter_factory;
  std::chrono::milliseconds connect_timeout{45'000};  // a connection that joins no namespace
  std::size_t max_pending_acks = 1024;                 // per socket (emit_with_ack and broadcasts)
  event_limits events;                                 // per socket; namespace_::limit_events overrides
  // Binary attachments a connected client may have parked in the decoder (a packet waiting for
  // its attachments), in bytes; over it the connection is closed. Before its first namespace is
  // admitted a client may send no binary at all: the connection is closed (the reference ignores
  // such packets, but would let a stranger park megabytes).
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

// A namespace handle. Configure it (use, on_connection) before clients connect to it.
// The server keeps its namespaces' handlers: a handler must not own the server (capture a
// reference or weak_ptr, not the shared_ptr), or neither is ever freed.
class namespace_ {
 public:
  explicit namespace_(std::shared_ptr<detail::namespace_state> state) : state_(std::move(state)) {}
  const std::string& name() const noexcept;
  namespace_& use(middleware m);
  namespace_& on_connection(connection_handler h);
  // Overrides options::events for the sockets of this namespace that connect from now on.
  namespace_& limit_events(event_limits limits);

  broadcast_operator to(std::string room) const { return all().to(std::move(room)); }
  broadcast_operator in(std::string room) const { return all().to(std::move(room)); }
  broadcast_operator except(std::string room) const { return all().except(std::move(room)); }
  broadcast_operator all() const { return broadcast_operator(state_); }
  std::error_code emit(std::string_view event, arguments args = {}) const { return all().emit(event, std::move(args)); }
  // Sockets and rooms of the namespace; `done` runs on a shard.
  void counts(std::function<void(std::size_t sockets, std::size_t rooms)> done) const;

 private:
  std::shared_ptr<detail::namespace_state> state_;
};

// The right to join and leave the rooms of one reserved prefix, which socket::join refuses: only
// the layer that owns the prefix (auth, for "user:" rooms) holds one. Any thread may hold it;
// join and leave run on the socket's shard, from middleware too.
class reserved_rooms {
 public:
  const std::string& prefix() const noexcept { return prefix_; }
  std::string room(std::string_view suffix) const { return prefix_ + std::string(suffix); }
  void join(socket& s, std::string_view suffix) const;
  void leave(socket& s, std::string_view suffix) const;

 private:
  friend class server;
  explicit reserved_rooms(std::string prefix) : prefix_(std::move(prefix)) {}
  std::string prefix_;
};

class server final : public engine::handler, public std::enable_shared_from_this<server> {
 public:
  server(http::shard_pool& shards, options opts);
  ~server() override;

  // Creates the server and its Engine.IO server, mounted on `http` at opts.engine.path.
  static std::shared_ptr<server> attach(http::server& http, options opts);

  // The namespace of that name, created on first use. Thread-safe.
  namespace_ of(const std::string& name);
  // The namespace of that name if it exists (dynamic ones once a client created them). Thread-safe.
  std::optional<namespace_> find(const std::string& name);
  // Namespaces created when a client first connects to a name `accept` allows; `setup`
  // configures each new one (middleware, handlers) before the client joins it. Setup runs
  // outside the server's lock (it may call of()); two clients creating the same name at once may
  // each run it, and one result is kept. A dynamic namespace is freed when its last socket
  // leaves (one that of() named is kept).
  void dynamic_namespaces(std::function<bool(std::string_view)> accept, std::function<void(namespace_)> setup);

  // Server-wide middleware and connection handlers: in every namespace, dynamic ones included,
  // before the namespace's own. Set them up before clients connect.
  server& use(middleware m);
  server& on_connection(connection_handler h);
  // Reserves a room prefix: socket::join and sockets_join refuse its rooms, and the returned
  // capability alone enters them. Before clients connect; throws std::logic_error when the prefix
  // overlaps one already reserved.
  reserved_rooms reserve_rooms(std::string prefix);

  // Disconnects every client ("server shutting down").
  void close();

  // How many broadcast packets were encoded (one per emit, whatever the recipients). Thread-safe.
  std::size_t encoded_broadcasts() const noexcept;
  // Counters for /metrics, thread-safe (relaxed):
  std::size_t dynamic_namespaces_alive() const noexcept;  // dynamic namespaces not yet freed
  std::size_t dropped_events() const noexcept;            // over the token bucket, dropped
  std::size_t event_limit_disconnects() const noexcept;   // sockets disconnected by it
  std::size_t handler_errors() const noexcept;            // user code that threw
  std::size_t attachment_refusals() const noexcept;       // connections closed for binary parked
  // Valid while the http::server it is attached to lives (that server owns it).
  engine::server& engine() noexcept { return *engine_; }

  void on_open(const engine::session_ptr& s) override;
  void on_message(const engine::session_ptr& s, bool binary, std::string data) override;
  void on_close(const engine::session_ptr& s, std::string_view reason) override;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
  engine::server* engine_ = nullptr;  // owned by the http::server's routes; it holds us as its handler
};

}  // namespace switchboard::sio
