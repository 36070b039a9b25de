#pragma once
// The messages of the classic Redis adapter protocol, byte-compatible with Node's
// @socket.io/redis-adapter 8.3 and @socket.io/redis-emitter 5.1 (see /work/shared/REDIS-ADAPTER.md).
// Encoding and decoding only: no Redis I/O, no adapter logic.
//
// Broadcasts, BROADCAST requests and BROADCAST_ACK replies are MessagePack (notepack.io 3);
// everything else is JSON as JSON.stringify writes it, with keys in the order Node builds them.
// Binary values travel as in the wire layer: placeholders in the JSON tree, bytes in attachments.
//
// Rooms of a target are sets here, so they are written sorted; Node writes them in the order they
// were added. Receivers treat them as sets, so only the bytes differ.
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

// Shape errors of a message that parsed. Syntax errors (bad JSON or MessagePack, limits) and
// attachments that do not match the placeholders are switchboard::wire::errc values.
// (Named message_errc: errc is the Redis connection's, in redis_connection.hpp.)
enum class message_errc {
  invalid_message = 1,  // not a 3-element array (broadcast) or not an object (request, reply)
  missing_field,
  invalid_field,        // a field of the wrong type or out of range
  invalid_packet,       // a broadcast packet that is not an EVENT with an array payload
  unknown_type,         // a request or reply type outside 0-9, or not valid where it is
  unknown_request,      // a reply whose requestId names no pending request
};

const std::error_category& message_category() noexcept;

inline std::error_code make_error_code(message_errc e) noexcept {
  return {static_cast<int>(e), message_category()};
}

using decode_limits = wire::msgpack::decode_limits;  // max_depth also bounds JSON

// ---- Channels ----

// The channels of one namespace under a key prefix (Node's `key` option, "socket.io" by default).
class channels {
 public:
  channels(std::string_view key, std::string_view nsp);

  const std::string& broadcast() const noexcept { return broadcast_; }  // <key>#<nsp>#
  std::string broadcast_pattern() const { return broadcast_ + '*'; }   // what a node PSUBSCRIBEs
  std::string room(std::string_view room) const;                       // <key>#<nsp>#<room>#
  const std::string& request() const noexcept { return request_; }      // <key>-request#<nsp>#
  const std::string& response() const noexcept { return response_; }    // <key>-response#<nsp>#
  std::string response_for(std::string_view uid) const;                // <key>-response#<nsp>#<uid>#

  // Where a broadcast to `target` is published: the room's channel when it names exactly one room.
  std::string broadcast_for(const sio::broadcast_target& target) const;

  // The room named by an incoming broadcast channel: empty for the namespace-wide channel (and,
  // as in Node, for the room ""), nullopt when the channel is not one of this namespace's.
  std::optional<std::string_view> broadcast_room(std::string_view channel) const;

 private:
  std::string broadcast_;
  std::string request_;
  std::string response_;
};

// ---- Broadcast: [uid, packet, opts] ----

// Who built a message: the key order of a broadcast's opts differs.
enum class layout {
  adapter,  // {rooms, except, flags}
  emitter,  // {rooms, flags, except}
};

struct broadcast_message {
  std::string uid;
  // An EVENT: nsp, data = [event, args...], attachments. The packet type goes out as 2 (EVENT) even
  // with attachments, and its ack id is never written: ack ids belong to each node.
  wire::sio::packet packet;
  // Flags written: volatile and local when set, compress when false; timeout only in a
  // broadcast_request. Decoding ignores flags it does not know (e.g. expectSingleResponse).
  sio::broadcast_target target;
};

std::error_code encode_broadcast(const broadcast_message& message, std::string& out,
                                 layout order = layout::adapter);
std::error_code decode_broadcast(std::string_view bytes, broadcast_message& out,
                                 const decode_limits& limits = {});
// Whether a broadcast was sent by `uid` (a node's own, echoed by the pattern subscription),
// read from its first bytes without decoding it. False for anything it cannot tell.
bool broadcast_sent_by(std::string_view bytes, std::string_view uid) noexcept;

// ---- Requests (on the request channel) ----

enum class request_type : std::uint8_t {
  sockets = 0,  // legacy: answered, never sent
  all_rooms,
  remote_join,
  remote_leave,
  remote_disconnect,
  remote_fetch,
  server_side_emit,
  broadcast,  // a broadcast with ack
  broadcast_client_count,
  broadcast_ack,
};

struct sockets_request {
  std::string uid;
  std::string request_id;
  std::set<std::string> rooms;
  friend bool operator==(const sockets_request&, const sockets_request&) = default;
};

struct all_rooms_request {
  std::string uid;
  std::string request_id;
  friend bool operator==(const all_rooms_request&, const all_rooms_request&) = default;
};

// Types 2 to 4 target sockets by rooms and except only (target.flags are not carried). The emitter
// sends them without a uid.
struct remote_join_request {
  std::optional<std::string> uid;
  sio::broadcast_target target;
  std::vector<std::string> rooms;  // the rooms to join
};

struct remote_leave_request {
  std::optional<std::string> uid;
  sio::broadcast_target target;
  std::vector<std::string> rooms;  // the rooms to leave
};

struct remote_disconnect_request {
  std::optional<std::string> uid;
  sio::broadcast_target target;
  bool close = false;
};

struct remote_fetch_request {
  std::string uid;
  std::string request_id;
  sio::broadcast_target target;  // rooms and except only
};

struct server_side_emit_request {
  std::string uid;
  std::optional<std::string> request_id;  // present when the sender waits for acks
  boost::json::array data;                // [event, args...]; JSON, so no binary
  friend bool operator==(const server_side_emit_request&, const server_side_emit_request&) = default;
};

// A broadcast with ack (MessagePack); target.flags.timeout is written.
struct broadcast_request {
  std::string uid;
  std::string request_id;
  wire::sio::packet packet;
  sio::broadcast_target target;
};

using request = std::variant<sockets_request, all_rooms_request, remote_join_request, remote_leave_request,
                             remote_disconnect_request, remote_fetch_request, server_side_emit_request,
                             broadcast_request>;

std::error_code encode_request(const request& message, std::string& out);
// JSON when the first byte is '{', else MessagePack; either may hold any type, as in Node.
std::error_code decode_request(std::string_view bytes, request& out, const decode_limits& limits = {});

// ---- Replies (on the response channels) ----

struct sockets_response {
  std::string request_id;
  std::vector<std::string> sockets;  // socket ids
  friend bool operator==(const sockets_response&, const sockets_response&) = default;
};

struct all_rooms_response {
  std::string request_id;
  std::vector<std::string> rooms;
  friend bool operator==(const all_rooms_response&, const all_rooms_response&) = default;
};

// A socket as fetchSockets() reports it to another node.
struct remote_socket {
  std::string id;
  boost::json::object handshake;  // Socket.IO's handshake object, keys in Node's order
  std::vector<std::string> rooms;
  boost::json::value data;  // socket.data (null if Node left it undefined)
  friend bool operator==(const remote_socket&, const remote_socket&) = default;
};

struct remote_fetch_response {
  std::string request_id;
  std::vector<remote_socket> sockets;
  friend bool operator==(const remote_fetch_response&, const remote_fetch_response&) = default;
};

struct server_side_emit_response {
  std::string request_id;
  std::optional<boost::json::value> data;  // the first argument of the ack; absent if none
  friend bool operator==(const server_side_emit_response&, const server_side_emit_response&) = default;
};

struct broadcast_client_count_response {
  std::string request_id;
  std::uint64_t client_count = 0;
  friend bool operator==(const broadcast_client_count_response&,
                         const broadcast_client_count_response&) = default;
};

// One client's answer to a broadcast with ack: only its first argument travels (Node's `packet`).
struct broadcast_ack_response {
  std::string request_id;
  std::optional<boost::json::value> value;  // absent if the client answered without arguments
  std::vector<std::string> attachments;     // binaries the value's placeholders name
  friend bool operator==(const broadcast_ack_response&, const broadcast_ack_response&) = default;
};

using response = std::variant<sockets_response, all_rooms_response, remote_fetch_response, server_side_emit_response,
                              broadcast_client_count_response, broadcast_ack_response>;

std::error_code encode_response(const response& message, std::string& out);

// Replies to SOCKETS, ALL_ROOMS and REMOTE_FETCH carry no type: the requester knows it from the
// requestId. `pending` returns the type of the request a requestId names, nullopt if none
// (message_errc::unknown_request); request_type::broadcast accepts BROADCAST_CLIENT_COUNT and BROADCAST_ACK.
using pending_lookup = std::function<std::optional<request_type>(std::string_view request_id)>;
std::error_code decode_response(std::string_view bytes, const pending_lookup& pending, response& out,
                                const decode_limits& limits = {});

}  // namespace switchboard::cluster

template <>
struct std::is_error_code_enum<switchboard::cluster::message_errc> : std::true_type {};
