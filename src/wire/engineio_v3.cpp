#include "switchboard/wire/engineio_v3.hpp"

#include <charconv>

#include "switchboard/wire/base64.hpp"
#include "switchboard/wire/error.hpp"
#include "switchboard/wire/utf8.hpp"

namespace switchboard::wire::eio::v3 {
// Calls to this namespace's functions say v3::, since for an eio::packet ADL finds v4's too.
namespace {

constexpr char base64_marker = 'b';
constexpr char base64_message_type = '0' + static_cast<char>(packet_type::message);
constexpr char text_length_end = ':';
constexpr char binary_kind_text = '\x00';
constexpr char binary_kind_binary = '\x01';
constexpr char binary_length_end = '\xff';

std::size_t base64_length(std::size_t bytes) { return (bytes + 2) / 3 * 4; }

void append_length_prefix(std::size_t length, std::string& out) {
  char digits[20];
  const auto end = std::to_chars(digits, digits + sizeof digits, length).ptr;
  out.append(digits, end);
  out.push_back(text_length_end);
}

// Adds the decimal digit `digit` to `value`; false when the result would exceed `bound`.
bool add_length_digit(std::size_t digit, std::size_t bound, std::size_t& value) {
  if (digit > bound || value > (bound - digit) / 10) return false;
  value = value * 10 + digit;
  return true;
}

// Takes the length at the front of `rest`: at least one digit, whose value each `digit_of` gives
// (10 or more for a byte that is not a digit), then `end`. A length over the size of `rest` is
// refused as soon as it is read: every unit it counts takes at least one byte.
template <typename DigitOf>
std::error_code take_length(std::string_view& rest, char end, DigitOf digit_of, std::size_t& length) {
  length = 0;
  std::size_t i = 0;
  for (; i < rest.size() && rest[i] != end; ++i) {
    const std::size_t digit = digit_of(rest[i]);
    if (digit > 9 || !add_length_digit(digit, rest.size(), length)) return errc::invalid_length;
  }
  if (i == 0 || i == rest.size()) return errc::invalid_length;
  rest.remove_prefix(i + 1);
  return {};
}

std::size_t ascii_digit(char c) { return static_cast<std::size_t>(static_cast<unsigned char>(c - '0')); }
std::size_t byte_digit(char c) { return static_cast<unsigned char>(c); }

// The number of bytes of the UTF-8 sequence that `lead` starts (valid UTF-8 assumed).
std::size_t utf8_sequence_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead < 0xe0) return 2;
  if (lead < 0xf0) return 3;
  return 4;
}

// Takes the first `units` UTF-16 code units of valid UTF-8 `rest` as `taken`.
std::error_code take_utf16_units(std::string_view& rest, std::size_t units, std::string_view& taken) {
  std::size_t i = 0;
  while (units > 0) {
    if (i == rest.size()) return errc::invalid_length;
    const std::size_t bytes = utf8_sequence_length(static_cast<unsigned char>(rest[i]));
    const std::size_t cost = bytes == 4 ? 2 : 1;  // a surrogate pair above U+FFFF
    if (cost > units) return errc::invalid_length;  // the length ends inside a surrogate pair
    units -= cost;
    i += bytes;
  }
  taken = rest.substr(0, i);
  rest.remove_prefix(i);
  return {};
}

std::error_code take_bytes(std::string_view& rest, std::size_t count, std::string_view& taken) {
  if (count > rest.size()) return errc::invalid_length;
  taken = rest.substr(0, count);
  rest.remove_prefix(count);
  return {};
}

// Decodes one packet with `decode` and appends it to `out`, within the limits.
template <typename Decode>
std::error_code add_packet(std::vector<packet>& out, const payload_limits& limits, Decode decode) {
  if (out.size() == limits.max_packets) return errc::too_many_packets;
  packet p;
  if (const std::error_code ec = decode(p)) return ec;
  out.push_back(std::move(p));
  return {};
}

std::error_code decode_text_payload(std::string_view body, std::vector<packet>& out,
                                    const payload_limits& limits) {
  if (body.empty()) return errc::empty_packet;
  if (!is_valid_utf8(body)) return errc::invalid_utf8;
  while (!body.empty()) {
    std::size_t units = 0;
    std::string_view text;
    if (auto ec = take_length(body, text_length_end, ascii_digit, units)) return ec;
    if (auto ec = take_utf16_units(body, units, text)) return ec;
    if (text.empty()) continue;  // "0:" announces no packet, as in the empty payload
    auto decode = [&](packet& p) { return v3::decode_text_packet(text, p); };
    if (auto ec = add_packet(out, limits, decode)) return ec;
  }
  return {};
}

// Decodes one packet of a binary payload, as the kind byte before its length says.
std::error_code decode_binary_payload_packet(char kind, std::string_view data, packet& out) {
  if (kind == binary_kind_binary) return v3::decode_websocket_binary(data, out);
  if (!is_valid_utf8(data)) return errc::invalid_utf8;
  return v3::decode_text_packet(data, out);
}

std::error_code decode_binary_payload(std::string_view body, std::vector<packet>& out,
                                      const payload_limits& limits) {
  if (body.empty()) return errc::empty_packet;
  while (!body.empty()) {
    const char kind = body.front();
    if (kind != binary_kind_text && kind != binary_kind_binary) return errc::unknown_packet_type;
    body.remove_prefix(1);
    std::size_t length = 0;
    std::string_view data;
    if (auto ec = take_length(body, binary_length_end, byte_digit, length)) return ec;
    if (auto ec = take_bytes(body, length, data)) return ec;
    auto decode = [&](packet& p) { return decode_binary_payload_packet(kind, data, p); };
    if (auto ec = add_packet(out, limits, decode)) return ec;
  }
  return {};
}

}  // namespace

std::size_t utf16_length(std::string_view utf8) {
  std::size_t units = 0;
  for (const char c : utf8) {
    const auto byte = static_cast<unsigned char>(c);
    // Each byte but a continuation byte starts a code point; a 4-byte one takes a surrogate pair.
    units += static_cast<std::size_t>((byte & 0xc0) != 0x80) + static_cast<std::size_t>(byte >= 0xf0);
  }
  return units;
}

std::error_code decode_text_packet(std::string_view text, packet& out) {
  if (!text.starts_with(base64_marker)) return eio::decode_text_packet(text, out);
  // engine.io-parser 2.x accepts any type here; only a message carries binary data in eio::packet.
  if (text.size() < 2 || text[1] != base64_message_type) return errc::unknown_packet_type;
  std::string bytes;
  if (auto ec = decode_base64(text.substr(2), bytes)) return ec;
  out = packet{.type = packet_type::message, .binary = true, .data = std::move(bytes)};
  return {};
}

void append_payload_text(std::string_view text_form, std::string& out) {
  append_length_prefix(utf16_length(text_form), out);
  out.append(text_form);
}

void append_payload_binary(std::string_view bytes, std::string& out) {
  append_length_prefix(2 + base64_length(bytes.size()), out);
  out.push_back(base64_marker);
  out.push_back(base64_message_type);
  append_base64(bytes, out);
}

void append_payload_packet(const packet& p, std::string& out) {
  if (p.binary) {
    append_payload_binary(p.data, out);
    return;
  }
  append_length_prefix(1 + utf16_length(p.data), out);
  append_text_packet(p.type, p.data, out);
}

std::string encode_payload(std::span<const packet> packets) {
  if (packets.empty()) return "0:";
  std::string out;
  for (const packet& p : packets) v3::append_payload_packet(p, out);
  return out;
}

std::error_code decode_payload(std::string_view body, bool binary_body, std::vector<packet>& out,
                               const payload_limits& limits) {
  out.clear();
  const std::error_code ec =
      binary_body ? decode_binary_payload(body, out, limits) : decode_text_payload(body, out, limits);
  if (ec) out.clear();
  return ec;
}

std::error_code decode_websocket_binary(std::string_view bytes, packet& out) {
  if (bytes.empty()) return errc::empty_packet;
  if (bytes.front() != binary_message_type) return errc::unknown_packet_type;
  out = packet{.type = packet_type::message, .binary = true, .data = std::string(bytes.substr(1))};
  return {};
}

}  // namespace switchboard::wire::eio::v3
