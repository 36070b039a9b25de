#include "socket_impl.hpp"

namespace switchboard::sio::detail {

void shard_index::add(const std::shared_ptr<socket_impl>& s) { sockets_.emplace(s.get(), s); }

void shard_index::remove(socket_impl& s) { sockets_.erase(&s); }

bool shard_index::join(socket_impl& s, const std::string& room) {
  auto& members = rooms_[room];
  const bool created = members.empty();
  members.insert(&s);
  return created;
}

bool shard_index::leave(socket_impl& s, const std::string& room) {
  const auto it = rooms_.find(room);
  if (it == rooms_.end()) return false;
  it->second.erase(&s);
  if (!it->second.empty()) return false;
  rooms_.erase(it);  // an empty room costs nothing
  return true;
}

// Under the lock, so that the adapter hears of one room's changes in the order they happened.
void namespace_state::room_added(const std::string& room, bool own) {
  const std::lock_guard lock(rooms_mutex_);
  if (++room_shards_[room] == 1) adapter->room_created(room, own);
}

void namespace_state::room_removed(const std::string& room, bool own) {
  const std::lock_guard lock(rooms_mutex_);
  const auto it = room_shards_.find(room);
  if (it == room_shards_.end() || --it->second != 0) return;
  room_shards_.erase(it);
  adapter->room_deleted(room, own);
}

std::vector<std::shared_ptr<socket_impl>> shard_index::snapshot(const std::set<std::string>& rooms,
                                                                const std::set<std::string>& except) const {
  std::vector<std::shared_ptr<socket_impl>> out;
  if (rooms.size() == 1) {
    const auto members = rooms_.find(*rooms.begin());
    out.reserve(members == rooms_.end() ? 0 : members->second.size());
  } else {
    out.reserve(rooms.empty() ? sockets_.size() : 0);
  }
  for_each(rooms, except, [&](socket_impl& s) { out.push_back(s.self()); });
  return out;
}

bool shard_index::excluded(socket_impl* s, const std::set<std::string>& except) const {
  for (const auto& room : except) {
    const auto it = rooms_.find(room);
    if (it != rooms_.end() && it->second.contains(s)) return true;
  }
  return false;
}

}  // namespace switchboard::sio::detail
