#pragma once
/// @file
/// The right to join and leave the rooms of one reserved prefix, apart from sio::server so that
/// module code can hold one without the HTTP and Engine.IO headers.
#include <string>
#include <string_view>
#include <utility>

namespace switchboard::sio {

class socket;
class server;

/// The right to join and leave the rooms of one reserved prefix, which socket::join refuses: only
/// the layer that owns the prefix (auth, for "user:" rooms) holds one. Any thread may hold it;
/// join and leave run on the socket's shard, from middleware too.
class reserved_rooms {
 public:
  /// The reserved prefix ("user:").
  const std::string& prefix() const noexcept { return prefix_; }
  /// The room of `suffix`: prefix() + suffix.
  std::string room(std::string_view suffix) const { return prefix_ + std::string(suffix); }
  /// Makes `s` join room(suffix). On the socket's shard.
  void join(socket& s, std::string_view suffix) const;
  /// Makes `s` leave room(suffix). On the socket's shard.
  void leave(socket& s, std::string_view suffix) const;

 private:
  friend class server;
  explicit reserved_rooms(std::string prefix) : prefix_(std::move(prefix)) {}
  std::string prefix_;
};

}  // namespace switchboard::sio
