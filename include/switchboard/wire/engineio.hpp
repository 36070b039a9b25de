#pragma once
// Engine.IO v4 packets and HTTP long-polling payloads.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace switchboard::wire::eio {

enum class packet_type : std::uint8_t { open, close, ping, pong, message, upgrade, noop };

inline constexpr char record_separator = '\x1e';

struct packet {
  packet_type type = packet_type::message;
  bool binary = false;  // only message packets carry binary data
  std::string data;

  friend bool operator==(const packet&, const packet&) = default;
};

// The text form (type digit, then data): a WebSocket text frame or one polling packet.
void append_text_packet(packet_type type, std::string_view data, std::string& out);

// Decodes a WebSocket text frame (or one polling packet that is not base64 binary).
std::error_code decode_text_packet(std::string_view text, packet& out);

// A WebSocket binary frame is a binary message packet as it stands.
packet decode_binary_packet(std::string_view bytes);

// One packet as it stands in a polling payload: text packets as their text form, binary
// messages as 'b' followed by base64.
void append_payload_packet(const packet& p, std::string& out);

std::string encode_payload(std::span<const packet> packets);

struct payload_limits {
  std::size_t max_packets = 1024;
};

// Decodes a polling POST body. Any malformed packet fails the whole payload; `out` is then empty.
std::error_code decode_payload(std::string_view body, std::vector<packet>& out,
                               const payload_limits& limits = {});

}  // namespace switchboard::wire::eio
