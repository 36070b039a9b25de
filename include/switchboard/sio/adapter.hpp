#pragma once
/// @file
/// The adapter of a namespace: where its sockets and rooms are, and how a broadcast reaches them.
/// The local adapter (this process, all shards) is the default; a cluster adapter (Redis) wraps
/// it to reach the other nodes too.
#include <chrono>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <system_error>
#include <vector>

#include "switchboard/sio/arguments.hpp"
#include "switchboard/wire/socketio.hpp"

namespace switchboard::sio {

/// How a broadcast is sent.
struct broadcast_flags {
  bool is_volatile = false;  ///< Dropped for a client whose transport cannot take it now.
  bool compress = true;      ///< Accepted for API compatibility; compression is per connection.
  bool local = false;        ///< This node only (matters once a cluster adapter is in use).
  std::chrono::milliseconds timeout{10'000};  ///< For emit_with_ack.
};

/// Which sockets: those in any of `rooms` (all when empty) and in none of `except`.
struct broadcast_target {
  std::set<std::string> rooms;  ///< Sockets in any of these; every socket when empty.
  std::set<std::string> except;  ///< Sockets in none of these.
  broadcast_flags flags;  ///< How to send.
};

/// What fetch_sockets() reports of a socket.
struct socket_info {
  /// The socket id.
  std::string id;
  /// Its rooms, its own room (its id) included.
  std::set<std::string> rooms;
  /// A copy of socket::data().
  boost::json::object data;
  /// Node's `socket.handshake` fields: headers, time, address, xdomain, issued, url, query, auth
  /// (a socket of a Node.js node of the cluster: whatever that node sent, secure included).
  boost::json::object handshake;
};

/// How many local sockets a broadcast was queued for, once every shard has delivered it.
using delivered_callback = std::function<void(std::size_t recipients)>;

/// Every recipient's answer to a broadcast, or those that came before the timeout
/// (then the error is errc::ack_timeout).
using broadcast_ack_callback = std::function<void(std::error_code, std::vector<arguments>)>;

/// What a broadcast with ack reports while it runs, for a cluster node that answers another node's
/// request as the Node adapter does; either may be empty. `counted` runs once, with how many
/// sockets were asked, before any `answered`; `answered` with each answer as it comes.
struct broadcast_ack_progress {
  std::function<void(std::size_t asked)> counted;  ///< How many sockets were asked; once, first.
  std::function<void(const arguments& answer)> answered;  ///< Each answer, as it comes.
};

/// Where the sockets of one namespace are, and how operations on a set of them run: on every
/// shard of this process (the local adapter), and on the other nodes (a cluster adapter).
/// Implement it to make a cluster adapter; sio::options::adapter_factory installs it.
/// Thread-safe: every member may be called from any thread; callbacks run on a shard.
class adapter {
 public:
  virtual ~adapter() = default;

  /// Sends an event to the targeted sockets.
  /// `packet` is the event as built (for a cluster to forward); `frame` is its encoding, shared
  /// by every local recipient. `delivered` (may be empty) gets the local count, on a shard.
  /// Local delivery always happens; an error says the event could not reach the other nodes.
  virtual std::error_code broadcast(const wire::sio::packet& packet, wire::frame_ptr frame,
                                    const broadcast_target& target, delivered_callback delivered) = 0;
  /// Sends an event that asks each recipient for an answer; `done` gets them all, or those that
  /// came within target.flags.timeout. `frame` carries `ack_id`; every recipient answers with it.
  virtual void broadcast_with_ack(const wire::sio::packet& packet, wire::frame_ptr frame, std::uint64_t ack_id,
                                  const broadcast_target& target, broadcast_ack_callback done,
                                  broadcast_ack_progress progress) = 0;

  /// The targeted sockets; `done` runs once, when every shard (and node) has answered.
  virtual void fetch_sockets(const broadcast_target& target, std::function<void(std::vector<socket_info>)> done) = 0;
  /// Makes the targeted sockets join `room`.
  virtual void add_sockets(const broadcast_target& target, std::string room) = 0;
  /// Makes the targeted sockets leave `room`.
  virtual void del_sockets(const broadcast_target& target, std::string room) = 0;
  /// Disconnects the targeted sockets from the namespace; with `close`, ends their connections.
  virtual void disconnect_sockets(const broadcast_target& target, bool close) = 0;

  /// How many sockets the namespace has, and how many rooms (a socket's own room included).
  virtual void counts(std::function<void(std::size_t sockets, std::size_t rooms)> done) = 0;
  /// The names of those rooms, on this node (a cluster's allRooms gathers every node's).
  virtual void room_names(std::function<void(std::set<std::string>)> done) = 0;

  /// Encodes a broadcast's packet for this node's clients, in the server's parser (a cluster
  /// adapter delivering another node's broadcast locally uses it). The local adapter's knows the
  /// parser; this default writes the JSON parser's encoding.
  virtual std::error_code encode_for_clients(const wire::sio::packet& packet, wire::frame_ptr& out) const {
    return wire::sio::encode_frame(packet, out);
  }

  /// Whether this adapter is told of rooms appearing and disappearing on this node (a cluster
  /// adapter that subscribes per room). Asked once, when the namespace is made; false by default,
  /// and then room_created and room_deleted are never called.
  virtual bool tracks_rooms() const { return false; }
  /// A room got its first socket on this node, on any shard; `own` when it is a socket's own room
  /// (named by its id). Calls of room_created and room_deleted are serialized, in the order the
  /// rooms changed; they run on a shard thread and must return quickly.
  virtual void room_created(const std::string& /*room*/, bool /*own*/) {}
  /// A room lost its last socket on this node; as room_created.
  virtual void room_deleted(const std::string& /*room*/, bool /*own*/) {}
};

}  // namespace switchboard::sio
