#pragma once
// Broadcast operators: values that name a set of sockets of one namespace. Each call returns a
// new operator; emit() encodes the packet once and every shard delivers it to its own sockets.
#include <chrono>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "switchboard/sio/arguments.hpp"

namespace switchboard::sio {

namespace detail {
class namespace_state;
}

struct broadcast_flags {
  bool is_volatile = false;  // dropped for a client whose transport cannot take it now
  bool compress = true;      // accepted for API compatibility; compression is per connection
  bool local = false;        // this node only (matters once a cluster adapter is in use)
  std::chrono::milliseconds timeout{10'000};  // for emit_with_ack
};

// Every recipient's answer to a broadcast, or those that came before the timeout
// (then the error is errc::ack_timeout).
using broadcast_ack_callback = std::function<void(std::error_code, std::vector<arguments>)>;

// What fetch_sockets() reports of a socket.
struct socket_info {
  std::string id;
  std::set<std::string> rooms;
  boost::json::object data;
};

// Thread-safe: a value, usable from any thread.
class broadcast_operator {
 public:
  explicit broadcast_operator(std::shared_ptr<detail::namespace_state> nsp, std::set<std::string> rooms = {},
                              std::set<std::string> except = {}, broadcast_flags flags = {});

  broadcast_operator to(std::string room) const;
  broadcast_operator in(std::string room) const { return to(std::move(room)); }
  broadcast_operator except(std::string room) const;
  broadcast_operator volatile_() const;
  broadcast_operator compress(bool on) const;
  broadcast_operator local() const;
  broadcast_operator timeout(std::chrono::milliseconds d) const;

  // Sends the event to every targeted socket; encoded once, whatever the number of recipients.
  void emit(std::string_view event, arguments args = {}) const;
  // The same, asking each recipient for an answer; `done` runs once, on shard 0.
  void emit_with_ack(std::string_view event, arguments args, broadcast_ack_callback done) const;

  // The targeted sockets, from every shard; `done` runs on an unspecified shard.
  void fetch_sockets(std::function<void(std::vector<socket_info>)> done) const;
  void sockets_join(std::string room) const;
  void sockets_leave(std::string room) const;
  void disconnect_sockets(bool close = false) const;

 private:
  std::shared_ptr<detail::namespace_state> nsp_;
  std::set<std::string> rooms_;
  std::set<std::string> except_;
  broadcast_flags flags_;
};

}  // namespace switchboard::sio
