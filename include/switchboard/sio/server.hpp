#pragma once
// The Socket.IO v5 server: namespaces, middleware, sockets, rooms and broadcasts over the
// Engine.IO server, as Socket.IO users know them (io.of("/chat").on_connection(...)).
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

struct options {
  engine::options engine;
  // Makes each namespace's adapter from the local one (a cluster adapter wraps it); unset: local.
  std::function<std::unique_ptr<adapter>(const std::string& nsp, std::unique_ptr<adapter> local)> adapter_factory;
  std::chrono::milliseconds connect_timeout{45'000};  // a connection that joins no namespace
  std::size_t max_pending_acks = 1024;                 // per socket
};

// A namespace handle. Configure it (use, on_connection) before clients connect to it.
// The server keeps its namespaces' handlers: a handler must not own the server (capture a
// reference or weak_ptr, not the shared_ptr), or neither is ever freed.
class namespace_ {
 public:
  explicit namespace_(std::shared_ptr<detail::namespace_state> state) : state_(std::move(state)) {}
  const std::string& name() const noexcept;
  namespace_& use(middleware m);
  namespace_& on_connection(connection_handler h);

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
  // configures each new one (middleware, handlers) before the client joins it.
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
