#pragma once
// Broadcast operators: values that name a set of sockets of one namespace. Each call returns a
// new operator; emit() encodes the packet once and every shard delivers it to its own sockets.
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

// Thread-safe: a value, usable from any thread.
class broadcast_operator {
 public:
  explicit broadcast_operator(std::shared_ptr<detail::namespace_state> nsp, broadcast_target target = {});

  broadcast_operator to(std::string room) const;
  broadcast_operator in(std::string room) const { return to(std::move(room)); }
  broadcast_operator except(std::string room) const;
  broadcast_operator volatile_() const;
  broadcast_operator compress(bool on) const;
  broadcast_operator local() const;
  broadcast_operator timeout(std::chrono::milliseconds d) const;

  // Sends the event to every targeted socket; encoded once, whatever the number of recipients.
  // errc::reserved_event for a reserved name; `delivered` (may be empty) gets the local count.
  // With a cluster adapter, an error after local delivery says the other nodes were not reached.
  std::error_code emit(std::string_view event, arguments args = {}, delivered_callback delivered = {}) const;
  // The same, asking each recipient for an answer; `done` runs once, on shard 0.
  void emit_with_ack(std::string_view event, arguments args, broadcast_ack_callback done) const;

  // The targeted sockets, from every shard; `done` runs on an unspecified shard.
  void fetch_sockets(std::function<void(std::vector<socket_info>)> done) const;
  // errc::reserved_room for a room of a reserved prefix (see server::reserve_rooms).
  std::error_code sockets_join(std::string room) const;
  std::error_code sockets_leave(std::string room) const;
  void disconnect_sockets(bool close = false) const;

 private:
  std::shared_ptr<detail::namespace_state> nsp_;
  broadcast_target target_;
};

}  // namespace switchboard::sio
