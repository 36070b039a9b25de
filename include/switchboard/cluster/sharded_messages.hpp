#pragma once
/// @file
/// The messages of the sharded Redis adapter, wire-compatible with `createShardedAdapter` of
/// Node's \@socket.io/redis-adapter 8.3, which speaks socket.io-adapter's ClusterAdapter protocol:
/// `{type, data, uid, nsp}`, JSON text unless the data holds binary values, then MessagePack (a
/// receiver tells them apart by the first byte: `{` is JSON). The bodies are the classic
/// adapter's broadcasts, requests and replies: only the envelope and the type numbers differ.
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <variant>

#include "switchboard/cluster/messages.hpp"

namespace switchboard::cluster {

/// socket.io-adapter's ClusterAdapter `MessageType`.
enum class cluster_message_type : std::uint8_t {
  initial_heartbeat = 1,      ///< A heartbeat adapter's hello (not sent by the sharded adapter).
  heartbeat,                  ///< A heartbeat adapter's keep-alive (idem).
  broadcast,                  ///< A broadcast; with a requestId, a broadcast with ack.
  sockets_join,               ///< socketsJoin.
  sockets_leave,              ///< socketsLeave.
  disconnect_sockets,         ///< disconnectSockets.
  fetch_sockets,              ///< fetchSockets.
  fetch_sockets_response,     ///< Reply to fetch_sockets.
  server_side_emit,           ///< serverSideEmit; with a requestId, it waits for answers.
  server_side_emit_response,  ///< Reply to server_side_emit.
  broadcast_client_count,     ///< Reply to a broadcast with ack: how many clients were asked.
  broadcast_ack,              ///< Reply to a broadcast with ack: one client's answer.
  adapter_close,              ///< A heartbeat adapter leaving (not sent by the sharded adapter).
};

/// A message that carries no data: heartbeats and ADAPTER_CLOSE, which the heartbeat-based
/// adapters send. A sharded node ignores them.
struct presence_message {
  cluster_message_type type = cluster_message_type::heartbeat;  ///< 1, 2 or 13.
};

/// What a message carries, in the classic adapter's terms: a broadcast, a request (BROADCAST
/// with a requestId, SOCKETS_JOIN, SOCKETS_LEAVE, DISCONNECT_SOCKETS, FETCH_SOCKETS,
/// SERVER_SIDE_EMIT) or a reply. The classic protocol's SOCKETS and ALL_ROOMS, and their
/// replies, do not exist here.
using cluster_body = std::variant<presence_message, broadcast_message, request, response>;

/// One ClusterAdapter message.
struct cluster_message {
  std::string uid;   ///< The sending node (16 hex characters from Node; "emitter" from an emitter).
  std::string nsp;   ///< The namespace, "/" when absent.
  cluster_body body; ///< What it carries; decoding also sets the body's own uid, where it has one.
};

/// Encodes `message` as the Node adapter does (keys in its order; MessagePack when a broadcast
/// or an ack holds binary values). message_errc::unknown_type for a body this protocol has no
/// type for (SOCKETS, ALL_ROOMS and their replies); message_errc::invalid_packet for a broadcast
/// packet that is not an event.
std::error_code encode_cluster_message(const cluster_message& message, std::string& out);

/// Decodes a message from another node or from Node.js, within `limits`. A message of an unknown
/// type is message_errc::unknown_type; every field is checked as the classic decoders check them.
std::error_code decode_cluster_message(std::string_view bytes, cluster_message& out, const decode_limits& limits = {});

}  // namespace switchboard::cluster
