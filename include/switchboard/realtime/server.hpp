#pragma once
/// @file
/// The realtime server: the one Socket.IO server of the process, attached to the host's HTTP
/// server behind the auth guard, and the process-wide handle through which any module, in any
/// translation unit and on any thread, emits typed events:
///
/// @code
///   realtime::current().emit(chat_message, realtime::to_users{{"42"}}, ChatMessage{...});
/// @endcode
///
/// Emitting never throws: with no server attached, while it stops, or when delivery fails, emit()
/// logs a warning (event, targets, reason) and returns the error; the caller's operation goes on.
#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <memory>
#include <optional>

#include "switchboard/realtime/emitter.hpp"
#include "switchboard/realtime/errors.hpp"
#include "switchboard/realtime/event.hpp"
#include "switchboard/realtime/payload.hpp"
#include "switchboard/realtime/typed.hpp"
#include "switchboard/sio/reserved_rooms.hpp"

// Declared only: a module includes this header without the HTTP, Engine.IO and Socket.IO server
// headers. Whoever attaches the server includes realtime/options.hpp (and http/server.hpp).
namespace switchboard::http {
class server;
}  // namespace switchboard::http
namespace switchboard::sio {
class server;
}  // namespace switchboard::sio

/// The application's realtime layer: one Socket.IO server per process behind the auth guard,
/// typed events and handlers, module rooms, and a process-wide handle to emit from anywhere.
namespace switchboard::realtime {

struct options;  // realtime/options.hpp

/// Asks a module whether a user may enter one of its rooms: call done(std::nullopt) to let them
/// in, or done(refusal) to refuse; from any thread.
using authorize_fn = std::function<void(const std::string& user_id, const std::string& room_id,
                                        std::function<void(std::optional<refusal>)> done)>;

/// What clients send to join or leave a module's room.
struct RoomRequest {
  std::string roomId;  ///< The room's id within the module (without the prefix).
};
BOOST_DESCRIBE_STRUCT(RoomRequest, (), (roomId))
/// What clients are answered when they join or leave a module's room.
struct RoomMembership {
  std::string roomId;  ///< The room's id within the module.
  bool member = false;  ///< Whether the client is now in the room.
};
BOOST_DESCRIBE_STRUCT(RoomMembership, (), (roomId, member))

/// The rooms of one module, named `<prefix><roomId>`; only this object enters them.
/// Thread-safe; join and leave run on the socket's shard.
/// @code
/// const auto rooms = server.rooms("chat:", member_check(server.workers(), store), join, leave);
/// (void)rt::current().emit(chat::message, rt::to_rooms{{rooms.room(message.roomId)}}, message);
/// @endcode
class module_rooms {
 public:
  /// The rooms of `rooms`' prefix, entered after `authorize` lets a user in. Made by server::rooms().
  module_rooms(sio::reserved_rooms rooms, authorize_fn authorize);
  /// The module's room prefix ("chat:").
  const std::string& prefix() const noexcept { return rooms_.prefix(); }
  /// The room of `room_id`: prefix() + room_id, to emit to with to_rooms.
  std::string room(std::string_view room_id) const { return rooms_.room(room_id); }

  /// Joins after the module's authorisation; `done` runs on the socket's shard, with nullopt or
  /// the refusal ("unauthenticated" without a user id, "invalid_room" for an id not of 1 to 256
  /// bytes, "disconnected" when the socket left meanwhile, or the module's own).
  void join(sio::socket& s, std::string room_id, std::function<void(std::optional<refusal>)> done) const;
  /// Leaves the room of `room_id`.
  void leave(sio::socket& s, std::string_view room_id) const { rooms_.leave(s, room_id); }

 private:
  sio::reserved_rooms rooms_;
  std::shared_ptr<const authorize_fn> authorize_;
};

/// The realtime server: the process's Socket.IO server behind the auth guard, its worker pool,
/// and the target of current(). Attach it before the http::server starts; emit_json() and the
/// counters are thread-safe, the set-up calls (on(), rooms()) belong before clients connect.
/// @code
/// #include "switchboard/http/server.hpp"
/// #include "switchboard/realtime/options.hpp"
/// switchboard::http::server http(http_options);
/// rt::options options;
/// options.auth.jwt.emplace(std::vector<jwt::key>{jwt::key::shared_secret(secret)}, jwt::verify_options{});
/// auto server = rt::server::attach(http, std::move(options));
/// orders::install(*server);
/// http.start();
/// stop_signals.wait();  // http::stop_signals
/// server->stop(std::chrono::seconds(5));
/// http.stop();
/// @endcode
class server : public std::enable_shared_from_this<server> {
 public:
  /// Creates the Socket.IO server on `http` (at opts.sio.engine.path; the application's other
  /// routes stay its own), installs the guard, and publishes the server as current(). Throws
  /// std::logic_error when a realtime server is attached already.
  static std::shared_ptr<server> attach(http::server& http, options opts);
  /// Stops the server (stop()).
  ~server();

  /// Empties current(), tells every client ("server shutting down") and waits for the workers.
  /// Idempotent. Emitting afterwards returns errc::shutting_down.
  void stop();
  /// stop(), then waits until the clients have gone or `drain` has passed (sio::server::close with
  /// a drain). Returns the sessions still open. Blocks: from the controlling thread, before the
  /// http::server stops.
  std::size_t stop(std::chrono::milliseconds drain);

  /// Registers a typed handler for every connection to `nsp`, once for the namespace (no copy per
  /// socket; a socket's own handler of the same event, rt::on(), takes precedence). Before clients connect.
  /// @code
  /// server.on(place, [](switchboard::sio::socket& s, const PlaceOrder& order, rt::ack<OrderPlaced> ack) {
  ///   if (order.quantity < 1) return ack.fail({"invalid_quantity", "quantity must be at least 1"});
  ///   // ...
  /// });
  /// @endcode
  template <class P, class A>
  server& on(const client_event<P, A>& event, typed_handler<P, A> handler, const std::string& nsp = "/") {
    return on_event(std::string(event.name), detail::typed_event_handler(event, std::move(handler)), nsp);
  }

  /// Runs `handler` for each socket admitted to `nsp`, on its shard: where a module keeps state of
  /// its own per socket, or registers handlers the typed on() does not cover. Before clients connect.
  server& on_connection(std::function<void(sio::socket&)> handler, const std::string& nsp = "/");

  /// Reserves `prefix` for a module ("chat:") and returns its rooms. Before clients connect;
  /// throws std::logic_error when the prefix is empty or overlaps one already reserved.
  module_rooms rooms(std::string prefix, authorize_fn authorize);
  /// The same, and clients may ask to join and leave through `join_event` and `leave_event` (on
  /// `nsp`), answered with RoomMembership or the module's refusal.
  module_rooms rooms(std::string prefix, authorize_fn authorize,
                     const client_event<RoomRequest, RoomMembership>& join_event,
                     const client_event<RoomRequest, RoomMembership>& leave_event, const std::string& nsp = "/");

  /// The Socket.IO server, for what the typed API does not cover.
  sio::server& io() noexcept;
  /// The worker pool (options::worker_threads): for blocking work, such as a module's store.
  boost::asio::any_io_executor workers() noexcept;
  /// Session revocations applied to live sockets. Thread-safe.
  std::uint64_t revocations_applied() const noexcept;
  /// Failed reads of the revocation log. Thread-safe.
  std::uint64_t revocation_errors() const noexcept;

  /// The untyped core of emit(): `payload` is the event's single argument. Thread-safe; never
  /// throws: a failure is logged and returned.
  std::error_code emit_json(std::string_view event, const target& to, boost::json::value payload,
                            const emit_options& options) noexcept;

 private:
  struct impl;
  explicit server(std::unique_ptr<impl> i);
  server& on_event(std::string name, sio::event_handler handler, const std::string& nsp);
  std::unique_ptr<impl> impl_;
  std::shared_ptr<sio::server> io_;
};

/// A (possibly empty) reference to the realtime server. Copyable, any thread.
/// @code
/// (void)rt::current().emit(placed, rt::to_users{{user}}, placed_order);  // a failure is logged
/// @endcode
class handle {
 public:
  /// An empty handle: every emit returns errc::not_attached.
  handle() = default;
  /// A handle on `s`.
  explicit handle(std::shared_ptr<server> s) : server_(std::move(s)) {}
  /// Whether the handle names a server.
  explicit operator bool() const noexcept { return server_ != nullptr; }
  /// The server, or nullptr.
  server* get() const noexcept { return server_.get(); }

  /// Emits a typed server event to `to`. Never throws: a failure (errc) is logged and returned.
  template <class P>
  std::error_code emit(const server_event<P>& event, const target& to, const P& payload,
                       const emit_options& options = {}) const noexcept {
    try {
      return emit_json(event.name, to, to_json(payload), options);
    } catch (...) {  // to_json allocates: out of memory must not reach the caller either
      return errc::internal_error;
    }
  }

  /// The untyped form of emit() (server::emit_json()); errc::not_attached on an empty handle.
  std::error_code emit_json(std::string_view event, const target& to, boost::json::value payload,
                            const emit_options& options = {}) const noexcept;

 private:
  std::shared_ptr<server> server_;
};

/// The process-wide handle: empty before attach() and after stop().
handle current() noexcept;

/// Emissions of this process since it started, for metrics. Any thread.
struct emit_counts {
  std::uint64_t emitted = 0;  ///< Emissions handed to the shards.
  std::uint64_t failed = 0;  ///< Emissions that returned an error.
};
/// The emission counts so far. Any thread.
emit_counts counts() noexcept;

}  // namespace switchboard::realtime
