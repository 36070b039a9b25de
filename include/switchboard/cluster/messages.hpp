#pragma once
/// @file
/// The messages of the classic Redis adapter protocol, byte-compatible with Node's
/// \@socket.io/redis-adapter 8.3 and \@socket.io/redis-emitter 5.1 (see /work/shared/REDIS-ADAPTER.md).
/// Encoding and decoding only: no Redis I/O, no adapter logic.
///
/// Broadcasts, BROADCAST requests and BROADCAST_ACK replies are MessagePack (notepack.io 3);
/// everything else is JSON as JSON.stringify writes it, with keys in the order Node builds them.
/// Binary values travel as in the wire layer: placeholders in the JSON tree, bytes in attachments.
///
/// Rooms of a target are sets here, so they are written sorted; Node writes them in the order they
/// were added. Receivers treat them as sets, so only the bytes differ.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <variant>
#include <vector>

#include "switchboard/sio/adapter.hpp"
#include "switchboard/wire/msgpack.hpp"
#include "switchboard/wire/socketio.hpp"

namespace switchboard::cluster {

/// Shape errors of a message that parsed. Syntax errors (bad JSON or MessagePack, limits) and
/// attachments that do not match the placeholders are switchboard::wire::errc values.
/// (Named message_errc: errc is the Redis connection's, in redis_connection.hpp.)
enum class message_errc {
  invalid_message = 1,  ///< Not a 3-element array (broadcast) or not an object (request, reply).
  missing_field,  ///< A required field is absent.
  invalid_field,        ///< A field of the wrong type or out of range.
  invalid_packet,       ///< A broadcast packet that is not an EVENT with an array payload.
  unknown_type,         ///< A request or reply type outside 0-9, or not valid where it is.
  unknown_request,      ///< A reply whose requestId names no pending request.
};

/// The category of message_errc values.
const std::error_category& message_category() noexcept;

/// Makes `e` a std::error_code of message_category(); lets message_errc values convert to
/// std::error_code.
inline std::error_code make_error_code(message_errc e) noexcept {
  return {static_cast<int>(e), message_category()};
}

/// Bounds of the decoders; max_depth also bounds JSON.
using decode_limits = wire::msgpack::decode_limits;

// ---- Channels ----

/// The channels of one namespace under a key prefix (Node's `key` option, "socket.io" by default).
/// Immutable once constructed: thread-safe.
class channels {
 public:
  /// The channels of namespace `nsp` under prefix `key`.
  channels(std::string_view key, std::string_view nsp);

  const std::string& broadcast() const noexcept { return broadcast_; }  ///< `<key>#<nsp>#`.
  std::string broadcast_pattern() const { return broadcast_ + '*'; }   ///< What a node PSUBSCRIBEs.
  std::string room(std::string_view room) const;                       ///< `<key>#<nsp>#<room>#`.
  const std::string& request() const noexcept { return request_; }      ///< `<key>-request#<nsp>#`.
  const std::string& response() const noexcept { return response_; }    ///< `<key>-response#<nsp>#`.
  std::string response_for(std::string_view uid) const;                ///< `<key>-response#<nsp>#<uid>#`.

  /// Where a broadcast to `target` is published: the room's channel when it names exactly one room.
  std::string broadcast_for(const sio::broadcast_target& target) const;

  /// The room named by an incoming broadcast channel: empty for the namespace-wide channel (and,
  /// as in Node, for the room ""), nullopt when the channel is not one of this namespace's.
  std::optional<std::string_view> broadcast_room(std::string_view channel) const;

 private:
  std::string broadcast_;
  std::string request_;
  std::string response_;
};

// ---- Broadcast: [uid, packet, opts] ----

/// Who built a message: the key order of a broadcast's opts differs.
enum class layout {
  adapter,  ///< {rooms, except, flags}
  emitter,  ///< {rooms, flags, except}
};

/// A broadcast, as published on a broadcast channel.
struct broadcast_message {
  /// The sending node's uid.
  std::string uid;
  /// An EVENT: nsp, data = [event, args...], attachments. The packet type goes out as 2 (EVENT) even
  /// with attachments, and its ack id is never written: ack ids belong to each node.
  wire::sio::packet packet;
  /// Flags written: volatile and local when set, compress when false; timeout only in a
  /// broadcast_request. Decoding ignores flags it does not know (such as expectSingleResponse).
  sio::broadcast_target target;
};

/// Encodes a broadcast as MessagePack, with its opts in `order`.
std::error_code encode_broadcast(const broadcast_message& message, std::string& out,
                                 layout order = layout::adapter);
/// Decodes a broadcast (either layout).
std::error_code decode_broadcast(std::string_view bytes, broadcast_message& out,
                                 const decode_limits& limits = {});
/// Whether a broadcast was sent by `uid` (a node's own, echoed by the pattern subscription),
/// read from its first bytes without decoding it. False for anything it cannot tell.
bool broadcast_sent_by(std::string_view bytes, std::string_view uid) noexcept;

// ---- Requests (on the request channel) ----

/// The request and reply types of the protocol, by their number on the wire.
enum class request_type : std::uint8_t {
  sockets = 0,  ///< Legacy: answered, never sent.
  all_rooms,  ///< Every room of the namespace.
  remote_join,  ///< Make sockets join rooms.
  remote_leave,  ///< Make sockets leave rooms.
  remote_disconnect,  ///< Disconnect sockets.
  remote_fetch,  ///< Describe sockets (fetchSockets).
  server_side_emit,  ///< An event for the other nodes' servers.
  broadcast,  ///< A broadcast with ack.
  broadcast_client_count,  ///< Reply: how many clients a broadcast with ack asked.
  broadcast_ack,  ///< Reply: one client's answer to a broadcast with ack.
};

/// Request 0 (legacy): the ids of the sockets in `rooms`.
struct sockets_request {
  std::string uid;  ///< The requesting node.
  std::string request_id;  ///< Names the request in its replies.
  std::set<std::string> rooms;  ///< The rooms asked about.
  /// Member-wise equality.
  friend bool operator==(const sockets_request&, const sockets_request&) = default;
};

/// Request 1: every room of the namespace.
struct all_rooms_request {
  std::string uid;  ///< The requesting node.
  std::string request_id;  ///< Names the request in its replies.
  /// Member-wise equality.
  friend bool operator==(const all_rooms_request&, const all_rooms_request&) = default;
};

/// Request 2: make the targeted sockets join rooms.
/// Types 2 to 4 target sockets by rooms and except only (target.flags are not carried). The emitter
/// sends them without a uid.
struct remote_join_request {
  std::optional<std::string> uid;  ///< The requesting node; absent from the emitter.
  sio::broadcast_target target;  ///< Rooms and except only.
  std::vector<std::string> rooms;  ///< The rooms to join.
};

/// Request 3: make the targeted sockets leave rooms (see remote_join_request).
struct remote_leave_request {
  std::optional<std::string> uid;  ///< The requesting node; absent from the emitter.
  sio::broadcast_target target;  ///< Rooms and except only.
  std::vector<std::string> rooms;  ///< The rooms to leave.
};

/// Request 4: disconnect the targeted sockets (see remote_join_request).
struct remote_disconnect_request {
  std::optional<std::string> uid;  ///< The requesting node; absent from the emitter.
  sio::broadcast_target target;  ///< Rooms and except only.
  bool close = false;  ///< Whether to end the whole connections too.
};

/// Request 5: describe the targeted sockets (fetchSockets).
struct remote_fetch_request {
  std::string uid;  ///< The requesting node.
  std::string request_id;  ///< Names the request in its replies.
  sio::broadcast_target target;  ///< Rooms and except only.
};

/// Request 6: an event for the other nodes' servers (serverSideEmit).
struct server_side_emit_request {
  std::string uid;  ///< The sending node.
  std::optional<std::string> request_id;  ///< Present when the sender waits for acks.
  boost::json::array data;                ///< [event, args...]; JSON, so no binary.
  /// Member-wise equality.
  friend bool operator==(const server_side_emit_request&, const server_side_emit_request&) = default;
};

/// Request 7: a broadcast with ack (MessagePack); target.flags.timeout is written.
struct broadcast_request {
  std::string uid;  ///< The requesting node.
  std::string request_id;  ///< Names the request in its replies.
  wire::sio::packet packet;  ///< The event, as in broadcast_message.
  sio::broadcast_target target;  ///< Who, and the timeout.
};

/// Any request of the request channel.
using request = std::variant<sockets_request, all_rooms_request, remote_join_request, remote_leave_request,
                             remote_disconnect_request, remote_fetch_request, server_side_emit_request,
                             broadcast_request>;

/// Encodes a request: JSON, or MessagePack for a broadcast_request.
std::error_code encode_request(const request& message, std::string& out);
/// Decodes a request: JSON when the first byte is '{', else MessagePack; either may hold any
/// type, as in Node.
std::error_code decode_request(std::string_view bytes, request& out, const decode_limits& limits = {});

// ---- Replies (on the response channels) ----

/// The reply to a sockets_request.
struct sockets_response {
  std::string request_id;  ///< The request's id.
  std::vector<std::string> sockets;  ///< Socket ids.
  /// Member-wise equality.
  friend bool operator==(const sockets_response&, const sockets_response&) = default;
};

/// The reply to an all_rooms_request.
struct all_rooms_response {
  std::string request_id;  ///< The request's id.
  std::vector<std::string> rooms;  ///< The node's rooms.
  /// Member-wise equality.
  friend bool operator==(const all_rooms_response&, const all_rooms_response&) = default;
};

/// A socket as fetchSockets() reports it to another node.
struct remote_socket {
  std::string id;  ///< The socket id.
  boost::json::object handshake;  ///< Socket.IO's handshake object, keys in Node's order.
  std::vector<std::string> rooms;  ///< Its rooms.
  boost::json::value data;  ///< socket.data (null if Node left it undefined).
  /// Member-wise equality.
  friend bool operator==(const remote_socket&, const remote_socket&) = default;
};

/// The reply to a remote_fetch_request.
struct remote_fetch_response {
  std::string request_id;  ///< The request's id.
  std::vector<remote_socket> sockets;  ///< The node's targeted sockets.
  /// Member-wise equality.
  friend bool operator==(const remote_fetch_response&, const remote_fetch_response&) = default;
};

/// One node's answer to a server_side_emit_request that asked for one.
struct server_side_emit_response {
  std::string request_id;  ///< The request's id.
  std::optional<boost::json::value> data;  ///< The first argument of the ack; absent if none.
  /// Member-wise equality.
  friend bool operator==(const server_side_emit_response&, const server_side_emit_response&) = default;
};

/// How many clients a node asked for a broadcast_request.
struct broadcast_client_count_response {
  std::string request_id;  ///< The request's id.
  std::uint64_t client_count = 0;  ///< Clients asked on that node.
  /// Member-wise equality.
  friend bool operator==(const broadcast_client_count_response&,
                         const broadcast_client_count_response&) = default;
};

/// One client's answer to a broadcast with ack: only its first argument travels (Node's `packet`).
struct broadcast_ack_response {
  std::string request_id;  ///< The request's id.
  std::optional<boost::json::value> value;  ///< Absent if the client answered without arguments.
  std::vector<std::string> attachments;     ///< Binaries the value's placeholders name.
  /// Member-wise equality.
  friend bool operator==(const broadcast_ack_response&, const broadcast_ack_response&) = default;
};

/// Any reply of the response channels.
using response = std::variant<sockets_response, all_rooms_response, remote_fetch_response, server_side_emit_response,
                              broadcast_client_count_response, broadcast_ack_response>;

/// Encodes a reply: JSON, or MessagePack for a broadcast_ack_response.
std::error_code encode_response(const response& message, std::string& out);

/// Tells decode_response() the type of the request a requestId names.
/// Replies to SOCKETS, ALL_ROOMS and REMOTE_FETCH carry no type: the requester knows it from the
/// requestId. `pending` returns the type of the request a requestId names, nullopt if none
/// (message_errc::unknown_request); request_type::broadcast accepts BROADCAST_CLIENT_COUNT and BROADCAST_ACK.
using pending_lookup = std::function<std::optional<request_type>(std::string_view request_id)>;
/// Decodes a reply, its type known from `pending` when the reply carries none.
std::error_code decode_response(std::string_view bytes, const pending_lookup& pending, response& out,
                                const decode_limits& limits = {});

}  // namespace switchboard::cluster

template <>
struct std::is_error_code_enum<switchboard::cluster::message_errc> : std::true_type {};
