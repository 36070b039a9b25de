#pragma once
// A namespace: its configuration (set before clients connect) and, per shard, its sockets and
// room index, each touched only on its own shard's thread.
#include <atomic>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "server_config.hpp"
#include "switchboard/http/shard_pool.hpp"

namespace switchboard::sio::detail {

class socket_impl;

// The sockets and rooms of one namespace on one shard.
class shard_index {
 public:
  void add(const std::shared_ptr<socket_impl>& s);
  void remove(socket_impl& s);
  // Whether the room was new on this shard.
  bool join(socket_impl& s, const std::string& room);
  // Whether the room is now empty on this shard (and gone from the index).
  bool leave(socket_impl& s, const std::string& room);

  // Calls `f` once for each socket in any of `rooms` (every socket when empty) and in none of
  // `except`. `f` must not change the index, directly or not (no send: an overflow closes the
  // socket; no join, leave, close): to act on sockets, snapshot() them first.
  template <class F>
  void for_each(const std::set<std::string>& rooms, const std::set<std::string>& except, F&& f) const;

  // The same sockets, held: acting on them may change the index (a send that overflows closes its
  // socket, which leaves every room). One reserved vector per shard per call: the price of a
  // fanout whose sends may run user disconnect handlers that join, leave or close anything.
  std::vector<std::shared_ptr<socket_impl>> snapshot(const std::set<std::string>& rooms,
                                                     const std::set<std::string>& except) const;

  std::size_t size() const noexcept { return sockets_.size(); }
  std::vector<std::string> room_names() const {
    std::vector<std::string> names;
    names.reserve(rooms_.size());
    for (const auto& [name, members] : rooms_) names.push_back(name);
    return names;
  }

 private:
  bool excluded(socket_impl* s, const std::set<std::string>& except) const;

  std::unordered_map<socket_impl*, std::shared_ptr<socket_impl>> sockets_;
  std::unordered_map<std::string, std::unordered_set<socket_impl*>> rooms_;
};

class namespace_state : public std::enable_shared_from_this<namespace_state> {
 public:
  namespace_state(std::string name, http::shard_pool& shards, server_config& config)
      : name(std::move(name)), shards(shards), config(config), opts(config.opts), index(shards.size()) {}

  const std::string name;
  http::shard_pool& shards;
  server_config& config;
  const options& opts;
  // Ack ids are unique in the namespace, not per socket: a broadcast with ack sends one id to all.
  std::atomic<std::uint64_t> next_ack_id{0};
  std::vector<middleware> middlewares;
  connection_handler on_connection;
  // namespace_::on: every socket's handlers unless it has its own; set before clients connect,
  // read without a lock after.
  std::unordered_map<std::string, event_handler> handlers;
  std::vector<shard_index> index;  // [shard]
  std::optional<event_limits> event_limit;  // overrides opts.events; set before clients connect
  // Under the server's namespaces lock: created by a client (freed with its last socket), and
  // how many sockets (connecting or connected) hold it.
  bool dynamic = false;
  std::size_t leases = 0;
  std::unique_ptr<sio::adapter> adapter;  // set right after construction (make_namespace)
  bool track_rooms = false;                // adapter->tracks_rooms(), asked once

  // A shard's first socket in `room` / its last one gone: the adapter hears of the room when the
  // first shard has it and when the last one no longer does. Only when track_rooms.
  void room_added(const std::string& room, bool own);
  void room_removed(const std::string& room, bool own);

 private:
  std::mutex rooms_mutex_;
  std::unordered_map<std::string, std::size_t> room_shards_;  // how many shards hold each room
};

// A namespace found for a connection attempt, with what keeps it from being reclaimed (a dynamic
// one) until the attempt's socket is gone.
struct namespace_ref {
  std::shared_ptr<namespace_state> state;
  std::shared_ptr<void> lease;
};

// A namespace with its adapter: the local one unless options name another.
std::shared_ptr<namespace_state> make_namespace(std::string name, http::shard_pool& shards, server_config& config);

template <class F>
void shard_index::for_each(const std::set<std::string>& rooms, const std::set<std::string>& except, F&& f) const {
  if (rooms.empty()) {
    for (const auto& [raw, s] : sockets_) {
      if (!excluded(raw, except)) f(*s);
    }
    return;
  }
  const bool one_room = rooms.size() == 1;  // its members are distinct: no set to keep
  std::unordered_set<socket_impl*> seen;
  for (const auto& room : rooms) {
    const auto members = rooms_.find(room);
    if (members == rooms_.end()) continue;
    for (socket_impl* s : members->second) {
      const auto owner = sockets_.find(s);
      if (owner != sockets_.end() && !excluded(s, except) && (one_room || seen.insert(s).second)) f(*owner->second);
    }
  }
}

}  // namespace switchboard::sio::detail
