#pragma once
/// @file
/// A client's connection to one namespace, as Socket.IO users know it.
#include <boost/asio/any_io_executor.hpp>
#include <boost/json/object.hpp>
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "switchboard/engine/send_status.hpp"
#include "switchboard/sio/arguments.hpp"

namespace switchboard::engine {
class session;  // engine/session.hpp, for what socket::session() gives
}  // namespace switchboard::engine

namespace switchboard::sio {

class socket;
class broadcast_operator;

/// Answers a client's event once: the first call of any copy sends, every other call (of that
/// copy or another, after the socket went away too) does nothing. Callable from any thread: off
/// the socket's shard, the answer is posted to it.
/// @code
/// socket.on("hello", [](sio::socket&, sio::arguments& args, sio::ack_sender ack) { ack(args); });
/// @endcode
class ack_sender {
 public:
  /// An event that asked for no answer: requested() is false and calls do nothing.
  ack_sender() = default;
  /// Made by the server for an event with an ack id: `send` runs once, on `shard` (whose
  /// executor is `executor`).
  ack_sender(boost::asio::any_io_executor executor, std::size_t shard, std::function<void(arguments)> send)
      : state_(std::make_shared<state>(std::move(executor), shard, std::move(send))) {}
  /// Whether the client asked for an answer.
  bool requested() const noexcept { return static_cast<bool>(state_); }
  /// Sends the answer, the first time any copy is called; later calls do nothing.
  void operator()(arguments args = {}) const;

 private:
  struct state {
    state(boost::asio::any_io_executor e, std::size_t s, std::function<void(arguments)> f)
        : executor(std::move(e)), shard(s), send(std::move(f)) {}
    boost::asio::any_io_executor executor;
    std::size_t shard;
    std::function<void(arguments)> send;  // runs on `shard` only
    std::atomic<bool> sent{false};
  };
  std::shared_ptr<state> state_;
};

/// Handles one event: the socket, the event's arguments, and the way to answer it.
using event_handler = std::function<void(socket&, arguments&, ack_sender)>;
/// Sees every event, before its own handler: the socket, the event name, its arguments.
using any_handler = std::function<void(socket&, const std::string& event, arguments&)>;
/// Told that a socket leaves its namespace, with the reason ("client namespace disconnect",
/// "transport close", "server namespace disconnect", ...).
using disconnect_handler = std::function<void(socket&, std::string_view reason)>;
/// The client's answer to an emit_with_ack, or an error (timeout, disconnect), with the socket
/// that asked.
using socket_ack_callback = std::function<void(socket&, std::error_code, arguments)>;

/// A client's connection to one namespace: its event handlers, rooms and emits.
/// Lives on the shard of its Engine.IO session: call it there (post to executor() from elsewhere).
/// shared_from_this() gives a handle that stays valid after the socket disconnects.
/// @code
/// io->of("/").on_connection([](sio::socket& socket) {
///   socket.emit("welcome", {.values = {socket.id()}});
///   socket.on("hello", [](sio::socket&, sio::arguments& args, sio::ack_sender ack) { ack(args); });
/// });
/// @endcode
class socket : public std::enable_shared_from_this<socket> {
 public:
  virtual ~socket() = default;

  /// The socket id, which is also the name of its own room.
  virtual const std::string& id() const noexcept = 0;
  /// The namespace's name.
  virtual const std::string& nsp() const noexcept = 0;
  /// The CONNECT packet's payload (what io({auth}) sent), {} when there was none.
  virtual const boost::json::object& auth() const noexcept = 0;
  /// The Engine.IO session the socket runs over (its handshake request, remote address...);
  /// include switchboard/engine/session.hpp to use it.
  virtual const engine::session& session() const noexcept = 0;
  /// Node's `socket.handshake`, built on each call: `headers` (lower-case names, repeated ones
  /// joined with ", "), `time` (as JavaScript's Date.toString(), UTC), `address`, `xdomain`,
  /// `issued` (ms since the epoch), `url`, `query` (every key of the handshake's query string)
  /// and `auth`. `secure` is left out: the session does not say whether TLS carried it.
  ///
  /// @code
  /// for (const auto& [key, value] : s.handshake().at("query").as_object()) { /* ... */ }
  /// @endcode
  virtual boost::json::object handshake() const = 0;
  /// Names this connection attempt in logs: 16 hex characters, fresh for each CONNECT.
  virtual const std::string& correlation_id() const noexcept = 0;
  /// The socket's shard: post work for it there.
  virtual boost::asio::any_io_executor executor() const = 0;
  /// Whether the socket is in its namespace: false in middleware and after it disconnected.
  virtual bool connected() const noexcept = 0;
  /// Free for the application (user id, claims...).
  virtual boost::json::object& data() noexcept = 0;
  /// Free for the application (user id, claims...).
  virtual const boost::json::object& data() const noexcept = 0;

  /// Sets the handler of `event`, replacing any earlier one: one handler per event name.
  virtual void on(std::string event, event_handler handler) = 0;
  /// Adds a handler that sees every event, before the event's own handler.
  virtual void on_any(any_handler handler) = 0;
  /// Removes this socket's own handler of `event`; a handler its namespace has for every socket
  /// (namespace_::on, realtime::server::on) still serves the event.
  virtual void off(const std::string& event) = 0;
  /// Adds a handler run when the socket leaves its namespace, while the rooms are still joined.
  virtual void on_disconnecting(disconnect_handler handler) = 0;
  /// Adds a handler run when the socket has left its namespace (after `disconnecting`).
  virtual void on_disconnect(disconnect_handler handler) = 0;

  /// Queues an event for this client. Reserved names are refused (send_status::dropped); a
  /// socket not connected gives send_status::closed.
  virtual engine::send_status emit(std::string_view event, arguments args = {}) = 0;
  /// emit() with C++ values, as Node's `socket.emit(event, ...args)`: make_arguments(values...).
  /// @code
  /// s.emit("order", 42, "pending", sio::binary{receipt_pdf});  // (42, "pending", Buffer)
  /// @endcode
  template <class... Values>
    requires detail::argument_values<Values...>
  engine::send_status emit(std::string_view event, Values&&... values) {
    return emit(event, make_arguments(std::forward<Values>(values)...));
  }
  /// Asks the client for an answer; `callback` gets it, or errc::ack_timeout after `timeout`, or
  /// errc::disconnected; at once errc::not_connected, errc::reserved_event or
  /// errc::too_many_pending_acks. Exactly one call, on this socket's shard.
  virtual void emit_with_ack(std::string_view event, arguments args, std::chrono::milliseconds timeout,
                             ack_callback callback) = 0;
  /// The timeout of an emit_with_ack() that waits for as long as the socket stays connected.
  static constexpr std::chrono::milliseconds no_ack_timeout = std::chrono::milliseconds::max();
  /// Asks the client for an answer and waits without a timeout, as Node's `socket.emitWithAck()`:
  /// `callback` gets the answer, or errc::disconnected when the socket leaves first. The wait
  /// holds one of the socket's `max_pending_acks` places until then. On this socket's shard.
  ///
  /// @code
  /// s.emit_with_ack("confirm", {}, [](std::error_code ec, sio::arguments answer) { /* ... */ });
  /// @endcode
  void emit_with_ack(std::string_view event, arguments args, ack_callback callback) {
    emit_with_ack(event, std::move(args), no_ack_timeout, std::move(callback));
  }
  /// emit_with_ack() whose callback also gets this socket, as a handler does: the answer can be
  /// acted on without capturing the socket. Until the callback has run, the pending ack holds the
  /// socket; a disconnect runs it with errc::disconnected, so nothing outlives the connection.
  ///
  /// @code
  /// s.emit_with_ack("confirm", {}, std::chrono::seconds(5),
  ///                 [](sio::socket& me, std::error_code ec, sio::arguments answer) {
  ///                   if (!ec) me.join("confirmed");
  ///                 });
  /// @endcode
  void emit_with_ack(std::string_view event, arguments args, std::chrono::milliseconds timeout,
                     socket_ack_callback callback) {
    emit_with_ack(event, std::move(args), timeout,
                  [self = shared_from_this(), callback = std::move(callback)](std::error_code ec, arguments answer) {
                    callback(*self, ec, std::move(answer));
                  });
  }
  /// The same without a timeout.
  void emit_with_ack(std::string_view event, arguments args, socket_ack_callback callback) {
    emit_with_ack(event, std::move(args), no_ack_timeout, std::move(callback));
  }

  /// Node's `socket.timeout(ms)`: `s.timeout(5s).emit_with_ack(event, args, callback)` is
  /// emit_with_ack() with that timeout. Use it at once: it refers to this socket.
  class timed {
   public:
    /// emit_with_ack() on the socket with the timeout of timeout().
    void emit_with_ack(std::string_view event, arguments args, ack_callback callback) const {
      socket_.emit_with_ack(event, std::move(args), timeout_, std::move(callback));
    }
    /// The same, with a callback that also gets the socket.
    void emit_with_ack(std::string_view event, arguments args, socket_ack_callback callback) const {
      socket_.emit_with_ack(event, std::move(args), timeout_, std::move(callback));
    }

   private:
    friend class socket;
    timed(socket& s, std::chrono::milliseconds timeout) : socket_(s), timeout_(timeout) {}
    socket& socket_;
    std::chrono::milliseconds timeout_;
  };
  /// The socket's acks with `timeout` (Node's `socket.timeout(ms).emitWithAck(...)`).
  timed timeout(std::chrono::milliseconds timeout) { return timed(*this, timeout); }

  /// Joins `room`. Also from middleware: the rooms are entered when the socket is admitted. A
  /// room of a reserved prefix (server::reserve_rooms) is refused with errc::reserved_room.
  virtual std::error_code join(const std::string& room) = 0;
  /// Leaves `room`; errc::reserved_room as join().
  virtual std::error_code leave(const std::string& room) = 0;
  /// The rooms the socket is in, its own room (its id) included once admitted.
  virtual std::set<std::string> rooms() const = 0;

  /// Every socket of the namespace in `room`, except this one.
  virtual broadcast_operator to(std::string room) const = 0;
  /// Every socket of the namespace except this one (Node's `socket.broadcast`); narrow it with
  /// to(), except() and the other flags of broadcast_operator.
  virtual broadcast_operator broadcast() const = 0;

  /// Leaves the namespace ("server namespace disconnect"); with close, ends the whole connection.
  virtual void disconnect(bool close = false) = 0;
};
/// A handle on a socket that stays valid after it disconnects.
using socket_ptr = std::shared_ptr<socket>;

}  // namespace switchboard::sio
