#pragma once
/// @file
/// Engine.IO v4 packets and HTTP long-polling payloads.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

/// Engine.IO v4 codec: packets, their text form and polling payloads. No I/O.
namespace switchboard::wire::eio {

/// The Engine.IO packet types; each one's value is the digit that starts its text form.
enum class packet_type : std::uint8_t { open, close, ping, pong, message, upgrade, noop };

/// Separates the packets of a polling payload (0x1e, ASCII record separator).
inline constexpr char record_separator = '\x1e';

/// One Engine.IO packet.
struct packet {
  packet_type type = packet_type::message;  ///< What the packet is.
  bool binary = false;  ///< Only message packets carry binary data.
  std::string data;  ///< The payload: text, or the raw bytes of a binary message.

  /// Member-wise equality.
  friend bool operator==(const packet&, const packet&) = default;
};

/// Appends the text form (type digit, then data): a WebSocket text frame or one polling packet.
void append_text_packet(packet_type type, std::string_view data, std::string& out);

/// Decodes a WebSocket text frame (or one polling packet that is not base64 binary).
/// errc::empty_packet for an empty text, errc::unknown_packet_type for a first character outside
/// '0' to '6'.
std::error_code decode_text_packet(std::string_view text, packet& out);

/// Decodes a WebSocket binary frame, which is a binary message packet as it stands.
packet decode_binary_packet(std::string_view bytes);

/// Appends one packet as it stands in a polling payload: text packets as their text form, binary
/// messages as 'b' followed by base64.
void append_payload_packet(const packet& p, std::string& out);

/// A whole polling payload: every packet as append_payload_packet() writes it, joined by
/// record_separator.
std::string encode_payload(std::span<const packet> packets);

/// Bounds of decode_payload().
struct payload_limits {
  std::size_t max_packets = 1024;  ///< More packets in one payload is errc::too_many_packets.
};

/// Decodes a polling POST body. Any malformed packet fails the whole payload; `out` is then empty.
std::error_code decode_payload(std::string_view body, std::vector<packet>& out,
                               const payload_limits& limits = {});

}  // namespace switchboard::wire::eio
