#pragma once
/// @file
/// Broadcast operators: values that name a set of sockets of one namespace. Each call returns a
/// new operator; emit() encodes the packet once and every shard delivers it to its own sockets.
#include <chrono>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "switchboard/sio/adapter.hpp"

namespace switchboard::sio {

namespace detail {
class namespace_state;
}

/// A set of sockets of one namespace (rooms, exceptions) and how to send to them, as
/// `io.to(room).except(other).emit(...)` in Socket.IO. Each modifier returns a new operator.
/// Thread-safe: a value, usable from any thread.
/// @code
/// server->of(s.nsp()).to("user:" + first_string(args)).emit("notice", std::move(payload));
/// srv->of("/").to("room").emit("news", {}, [&](std::size_t count) { delivered = count; });
/// @endcode
class broadcast_operator {
 public:
  /// Every socket of the namespace `nsp`, narrowed by `target`. Made by namespace_ and socket.
  explicit broadcast_operator(std::shared_ptr<detail::namespace_state> nsp, broadcast_target target = {});

  /// Adds a room: the sockets in any of the named rooms are targeted.
  broadcast_operator to(std::string room) const;
  /// The same as to().
  broadcast_operator in(std::string room) const { return to(std::move(room)); }
  /// Leaves out the sockets in `room`.
  broadcast_operator except(std::string room) const;
  /// Volatile: dropped for a client whose transport cannot take it now.
  broadcast_operator volatile_() const;
  /// Accepted for API compatibility; compression is per connection.
  broadcast_operator compress(bool on) const;
  /// This node only (matters once a cluster adapter is in use).
  broadcast_operator local() const;
  /// How long emit_with_ack() waits for the answers (default 10 s).
  broadcast_operator timeout(std::chrono::milliseconds d) const;

  /// Sends the event to every targeted socket; encoded once, whatever the number of recipients.
  /// errc::reserved_event for a reserved name; `delivered` (may be empty) gets the local count.
  /// With a cluster adapter, an error after local delivery says the other nodes were not reached.
  std::error_code emit(std::string_view event, arguments args = {}, delivered_callback delivered = {}) const;
  /// emit() with C++ values, as Node's `io.to(room).emit(event, ...args)`: make_arguments(values...).
  template <class... Values>
    requires detail::argument_values<Values...>
  std::error_code emit(std::string_view event, Values&&... values) const {
    return emit(event, make_arguments(std::forward<Values>(values)...));
  }
  /// The same, asking each recipient for an answer; `done` runs once, with every answer or, after
  /// timeout(), errc::ack_timeout and those that came. It runs on shard 0 with the local adapter
  /// (on the cluster's executor with the Redis adapter); a reserved event name is answered at
  /// once, on the calling thread, with errc::reserved_event.
  void emit_with_ack(std::string_view event, arguments args, broadcast_ack_callback done) const;

  /// The targeted sockets, from every shard; `done` runs on an unspecified shard.
  void fetch_sockets(std::function<void(std::vector<socket_info>)> done) const;
  /// Makes the targeted sockets join `room`.
  /// errc::reserved_room for a room of a reserved prefix (see server::reserve_rooms).
  std::error_code sockets_join(std::string room) const;
  /// Makes the targeted sockets leave `room`; errc::reserved_room as sockets_join().
  std::error_code sockets_leave(std::string room) const;
  /// Disconnects the targeted sockets from the namespace; with `close`, ends their connections.
  void disconnect_sockets(bool close = false) const;

 private:
  std::shared_ptr<detail::namespace_state> nsp_;
  broadcast_target target_;
};

}  // namespace switchboard::sio
