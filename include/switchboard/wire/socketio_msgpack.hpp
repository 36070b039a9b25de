#pragma once
/// @file
/// Socket.IO packets as the npm package socket.io-msgpack-parser 3.0.2 (over notepack.io 2.2)
/// writes and reads them: each packet is ONE binary Engine.IO message holding the packet object
/// as a MessagePack map. There are no BINARY_EVENT/BINARY_ACK packets and no attachment
/// messages: binary arguments are `bin` values inside `data`.
///
/// In memory a packet looks as with the text codec (socketio.hpp): binary arguments are
/// placeholders {"_placeholder":true,"num":i} in `data` and their bytes `attachments[i]`.
#include <string>
#include <string_view>
#include <system_error>

#include "switchboard/wire/frame.hpp"
#include "switchboard/wire/socketio.hpp"

/// Socket.IO over MessagePack, byte-identical to socket.io-msgpack-parser 3.0.2.
namespace switchboard::wire::sio::msgpack_parser {

/// Which object the reference server builds for the packet: its key order, hence the bytes.
/// Members that the reference leaves `undefined` are written as notepack 2.2 does, the key kept
/// and the value fixext 1 type 0 (`d4 00 00`).
enum class shape {
  emit,  ///< socket.emit: EVENT `type, data, [id], nsp`.
  broadcast,  ///< A broadcast: EVENT `type, data, nsp, [id]`.
  ack,  ///< The server's answer to an event: ACK `id, type, data, nsp`; the id is required.
  /// The CONNECT answer: `type, data, nsp`; an object `data` gets a `pid` member (undefined)
  /// when it has none, as {sid, pid} without state recovery; no `data` is written undefined.
  connect,
  /// A middleware's refusal: CONNECT_ERROR `type, data, nsp`; an object `data` gets a `data`
  /// member (undefined) when it has none, as {message, data} for an error without data.
  connect_error,
  namespace_error,  ///< The refusal of an unknown namespace: CONNECT_ERROR `type, nsp, data`.
  disconnect,  ///< DISCONNECT `type, nsp`.
};

/// Appends the packet as one MessagePack message to `out` (attachments become bin values where
/// their placeholders are). Left untouched on error, which is:
/// - errc::unknown_packet_type: the packet's type is not the one `s` writes (EVENT for emit and
///   broadcast, ACK for ack, ...; BINARY_EVENT/BINARY_ACK count as EVENT/ACK);
/// - errc::invalid_payload: `data` does not fit the shape (an array for EVENT and ACK, absent or
///   an object for CONNECT, an object or a string for CONNECT_ERROR, absent for DISCONNECT);
/// - errc::invalid_ack_id: an id past max_ack_id, an ACK without id, or an id on a shape that
///   has none;
/// - errc::invalid_attachments: a placeholder naming no attachment.
std::error_code encode(const packet& p, shape s, std::string& out);

/// The same as a frame of one binary Engine.IO message. Fails as encode() does.
std::error_code encode_frame(const packet& p, shape s, frame_ptr& out);

/// Decodes one binary Engine.IO message into `out`: type CONNECT, DISCONNECT, EVENT, ACK or
/// CONNECT_ERROR, never BINARY_EVENT/BINARY_ACK; bin values become placeholders + attachments as
/// in the text codec. `data` and `id` are absent when their key is absent or its value is
/// notepack's undefined (`d4 00 xx`); nil is a value. Other keys (a client's `options`) are
/// read, within the same limits as `data`, and ignored. The reference's rules, with our errors:
/// - `type` an integer 0..4 (an integral float counts): else errc::unknown_packet_type, as for
///   input that is a MessagePack value but not a map;
/// - `nsp` a string: else errc::invalid_namespace;
/// - `data` undefined or a map for CONNECT, undefined for DISCONNECT, a string or a map for
///   CONNECT_ERROR, an array for EVENT and ACK: else errc::invalid_payload;
/// - `id` undefined or an integer (nil is refused): else errc::invalid_ack_id.
///
/// Stricter than the reference, as the text decoder: an EVENT's first item (the event name) is a
/// string (errc::invalid_payload) and not reserved (errc::reserved_event_name, see
/// is_reserved_event()); an id is at most max_ack_id (errc::invalid_ack_id); the namespace is at
/// most `limits.max_namespace_length` bytes (errc::invalid_namespace); `data` nests at most
/// `limits.max_depth` arrays and maps (errc::nesting_too_deep) and holds at most
/// `limits.max_attachments` bin values (errc::too_many_attachments); map keys are strings
/// (errc::invalid_map_key); `data` that is an ext value is refused (errc::invalid_payload).
/// Malformed MessagePack gives the errors of msgpack::decode() (errc::truncated,
/// errc::invalid_msgpack, errc::trailing_bytes). `out` is left untouched on error.
std::error_code decode(std::string_view bytes, packet& out, const decoder_limits& limits = {});

}  // namespace switchboard::wire::sio::msgpack_parser
