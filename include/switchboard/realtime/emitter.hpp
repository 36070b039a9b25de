#pragma once
// Who an emission goes to. Users are reached through their user:<id> rooms, so every socket of
// a user (every tab, every node of a cluster) receives it, and nobody else.
#include <functional>
#include <string>
#include <variant>
#include <vector>

namespace switchboard::realtime {

struct to_users {
  std::vector<std::string> ids;
};
struct to_rooms {
  std::vector<std::string> names;
};
// Every socket of the namespace.
struct to_everyone {};

using target = std::variant<to_users, to_rooms, to_everyone>;

struct emit_options {
  std::string nsp = "/";
  std::vector<std::string> except_users;
  std::vector<std::string> except_rooms;
  bool is_volatile = false;  // dropped for clients that cannot take it now (typing indicators)
  // Called once every local shard has queued the event, with how many sockets of this node got
  // it; on a shard thread. Unset: the count is only logged (at debug level).
  std::function<void(std::size_t recipients)> delivered;
};

}  // namespace switchboard::realtime
