#include "switchboard/wire/engineio.hpp"

#include <algorithm>

#include "switchboard/wire/base64.hpp"
#include "switchboard/wire/error.hpp"

namespace switchboard::wire::eio {

void append_text_packet(packet_type type, std::string_view data, std::string& out) {
  out.push_back(static_cast<char>('0' + static_cast<int>(type)));
  out.append(data);
}

std::error_code decode_text_packet(std::string_view text, packet& out) {
  if (text.empty()) return errc::empty_packet;
  const char type = text.front();
  if (type < '0' || type > '6') return errc::unknown_packet_type;
  out.type = static_cast<packet_type>(type - '0');
  out.binary = false;
  out.data.assign(text.substr(1));
  return {};
}

packet decode_binary_packet(std::string_view bytes) {
  return packet{.type = packet_type::message, .binary = true, .data = std::string(bytes)};
}

void append_payload_packet(const packet& p, std::string& out) {
  if (p.binary) {
    out.push_back('b');
    append_base64(p.data, out);
  } else {
    append_text_packet(p.type, p.data, out);
  }
}

std::string encode_payload(std::span<const packet> packets) {
  std::string out;
  for (std::size_t i = 0; i < packets.size(); ++i) {
    if (i > 0) out.push_back(record_separator);
    append_payload_packet(packets[i], out);
  }
  return out;
}

std::error_code decode_payload(std::string_view body, std::vector<packet>& out,
                               const payload_limits& limits) {
  out.clear();
  std::size_t start = 0;
  while (true) {
    if (out.size() == limits.max_packets) {
      out.clear();
      return errc::too_many_packets;
    }
    const std::size_t end = std::min(body.find(record_separator, start), body.size());
    const std::string_view encoded = body.substr(start, end - start);
    packet p;
    std::error_code ec;
    if (encoded.starts_with('b')) {
      p.binary = true;
      ec = decode_base64(encoded.substr(1), p.data);
    } else {
      ec = decode_text_packet(encoded, p);
    }
    if (ec) {
      out.clear();
      return ec;
    }
    out.push_back(std::move(p));
    if (end == body.size()) return {};
    start = end + 1;
  }
}

}  // namespace switchboard::wire::eio
