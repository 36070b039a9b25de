#pragma once
// A client's connection to one namespace, as Socket.IO users know it.
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

#include "switchboard/engine/session.hpp"
#include "switchboard/sio/arguments.hpp"

namespace switchboard::sio {

class socket;
class broadcast_operator;

// Answers a client's event once: the first call of any copy sends, every other call (of that
// copy or another, after the socket went away too) does nothing. Callable from any thread: off
// the socket's shard, the answer is posted to it.
class ack_sender {
 public:
  ack_sender() = default;
  ack_sender(boost::asio::any_io_executor executor, std::size_t shard, std::function<void(arguments)> send)
      : state_(std::make_shared<state>(std::move(executor), shard, std::move(send))) {}
  bool requested() const noexcept { return static_cast<bool>(state_); }
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

using event_handler = std::function<void(socket&, arguments&, ack_sender)>;
using any_handler = std::function<void(socket&, const std::string& event, arguments&)>;
using disconnect_handler = std::function<void(socket&, std::string_view reason)>;

// Lives on the shard of its Engine.IO session: call it there (post to executor() from elsewhere).
// shared_from_this() gives a handle that stays valid after the socket disconnects.
class socket : public std::enable_shared_from_this<socket> {
 public:
  virtual ~socket() = default;

  virtual const std::string& id() const noexcept = 0;
  virtual const std::string& nsp() const noexcept = 0;
  // The CONNECT packet's payload (what io({auth}) sent), {} when there was none.
  virtual const boost::json::object& auth() const noexcept = 0;
  virtual const engine::session& session() const noexcept = 0;
  // Names this connection attempt in logs: 16 hex characters, fresh for each CONNECT.
  virtual const std::string& correlation_id() const noexcept = 0;
  virtual boost::asio::any_io_executor executor() const = 0;
  virtual bool connected() const noexcept = 0;
  // Free for the application (user id, claims...).
  virtual boost::json::object& data() noexcept = 0;
  virtual const boost::json::object& data() const noexcept = 0;

  virtual void on(std::string event, event_handler handler) = 0;
  virtual void on_any(any_handler handler) = 0;
  virtual void off(const std::string& event) = 0;
  // `disconnecting` runs while the rooms are still joined; `disconnect` after.
  virtual void on_disconnecting(disconnect_handler handler) = 0;
  virtual void on_disconnect(disconnect_handler handler) = 0;

  // Queues an event for this client. Reserved names are refused.
  virtual engine::send_status emit(std::string_view event, arguments args = {}) = 0;
  // Asks the client for an answer; `callback` gets it, or errc::ack_timeout after `timeout`, or
  // errc::disconnected. Exactly one call, on this socket's shard.
  virtual void emit_with_ack(std::string_view event, arguments args, std::chrono::milliseconds timeout,
                             ack_callback callback) = 0;

  // Also from middleware: the rooms are entered when the socket is admitted. A room of a reserved
  // prefix (server::reserve_rooms) is refused with errc::reserved_room.
  virtual std::error_code join(const std::string& room) = 0;
  virtual std::error_code leave(const std::string& room) = 0;
  virtual std::set<std::string> rooms() const = 0;

  // Every socket of the namespace in `room`, except this one.
  virtual broadcast_operator to(std::string room) const = 0;

  // Leaves the namespace ("server namespace disconnect"); with close, ends the whole connection.
  virtual void disconnect(bool close = false) = 0;
};
using socket_ptr = std::shared_ptr<socket>;

}  // namespace switchboard::sio
