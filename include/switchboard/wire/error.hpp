#pragma once
// Error codes of the wire layer: every decoder reports hostile or malformed input with one of these.
#include <system_error>

namespace switchboard::wire {

enum class errc {
  // Engine.IO
  empty_packet = 1,
  unknown_packet_type,
  invalid_base64,
  too_many_packets,
  // Socket.IO
  invalid_namespace,
  invalid_ack_id,
  invalid_attachments,
  too_many_attachments,
  invalid_json,
  invalid_payload,
  reserved_event_name,
  unexpected_binary,
  unexpected_text,
  // Shared limits
  nesting_too_deep,
  too_large,
  // MessagePack
  truncated,
  invalid_msgpack,
  trailing_bytes,
  invalid_map_key,
};

const std::error_category& wire_category() noexcept;

inline std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), wire_category()};
}

}  // namespace switchboard::wire

template <>
struct std::is_error_code_enum<switchboard::wire::errc> : std::true_type {};
