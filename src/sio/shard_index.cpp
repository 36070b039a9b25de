#include "socket_impl.hpp"

namespace switchboard::sio::detail {

void shard_index::add(const std::shared_ptr<socket_impl>& s) { sockets_.emplace(s.get(), s); }

void shard_index::remove(socket_impl& s) { sockets_.erase(&s); }

void shard_index::join(socket_impl& s, const std::string& room) { rooms_[room].insert(&s); }

void shard_index::leave(socket_impl& s, const std::string& room) {
  const auto it = rooms_.find(room);
  if (it == rooms_.end()) return;
  it->second.erase(&s);
  if (it->second.empty()) rooms_.erase(it);  // an empty room costs nothing
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
