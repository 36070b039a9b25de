#pragma once
/// @file
/// Error codes of the wire layer: every decoder reports hostile or malformed input with one of these.
#include <system_error>

/// Protocol codecs without I/O: Engine.IO, Socket.IO, JSON text, MessagePack, base64, UTF-8.
/// Every decoder reports malformed input as an errc and is bounded (counts, depth, sizes).
/// The functions keep no shared state: thread-safe.
namespace switchboard::wire {

/// Why a decoder (or encoder) refused its input. A std::error_code enum: compares with
/// std::error_code through make_error_code().
enum class errc {
  // Engine.IO
  empty_packet = 1,  ///< An empty Engine.IO packet.
  unknown_packet_type,  ///< A packet type outside the protocol's, or binary data in a non-message.
  invalid_base64,  ///< Malformed base64 or base64url.
  too_many_packets,  ///< A polling payload over payload_limits::max_packets.
  // Socket.IO
  invalid_namespace,  ///< A malformed or too long namespace.
  invalid_ack_id,  ///< A malformed ack id, or one past sio::max_ack_id.
  invalid_attachments,  ///< Attachments that do not match the placeholders or the packet type.
  too_many_attachments,  ///< More attachments than the limit.
  invalid_json,  ///< Malformed JSON, or a number past the double range.
  invalid_payload,  ///< A payload whose shape does not fit the packet type.
  reserved_event_name,  ///< An event a client may not emit (sio::is_reserved_event()).
  unexpected_binary,  ///< A binary message when no packet awaits an attachment.
  unexpected_text,  ///< A text message while a packet still awaits attachments.
  // Shared limits
  nesting_too_deep,  ///< Arrays and objects nested past the depth limit.
  too_large,  ///< A value over a size limit.
  // MessagePack
  truncated,  ///< MessagePack input that ends inside a value.
  invalid_msgpack,  ///< A MessagePack byte that starts no valid value.
  trailing_bytes,  ///< Bytes left after the one MessagePack value.
  invalid_map_key,  ///< A MessagePack map key that is not a string.
  // Engine.IO v3 payloads
  invalid_length,  ///< A length prefix that is malformed, or does not match the packet it announces.
  invalid_utf8,  ///< Text that is not valid UTF-8.
};

/// The category of errc values ("switchboard.wire").
const std::error_category& wire_category() noexcept;

/// Makes `e` a std::error_code of wire_category(); lets errc values convert to std::error_code.
inline std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), wire_category()};
}

}  // namespace switchboard::wire

template <>
struct std::is_error_code_enum<switchboard::wire::errc> : std::true_type {};
