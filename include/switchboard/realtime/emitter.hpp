#pragma once
/// @file
/// Who an emission goes to. Users are reached through their `user:<id>` rooms, so every socket of
/// a user (every tab, every node of a cluster) receives it, and nobody else.
#include <functional>
#include <string>
#include <variant>
#include <vector>

namespace switchboard::realtime {

/// Every socket of these users (their user rooms).
struct to_users {
  std::vector<std::string> ids;  ///< User ids; at least one.
};
/// Every socket in any of these rooms.
struct to_rooms {
  std::vector<std::string> names;  ///< Room names; at least one.
};
/// Every socket of the namespace.
struct to_everyone {};

/// Who an emission goes to.
/// @code
/// (void)rt::current().emit(placed, rt::to_users{{user}}, placed_order);
/// (void)rt::current().emit(barrier, rt::to_everyone{}, b);
/// @endcode
using target = std::variant<to_users, to_rooms, to_everyone>;

/// How an emission is sent.
struct emit_options {
  std::string nsp = "/";  ///< The namespace; it must exist (errc::unknown_namespace).
  std::vector<std::string> except_users;  ///< Users left out.
  std::vector<std::string> except_rooms;  ///< Rooms left out.
  bool is_volatile = false;  ///< Dropped for clients that cannot take it now (typing indicators).
  /// Called once every local shard has queued the event, with how many sockets of this node got
  /// it; on a shard thread. Unset: the count is only logged (at debug level).
  std::function<void(std::size_t recipients)> delivered;
};

}  // namespace switchboard::realtime
