#include "websocket_frames.hpp"

#include <openssl/sha.h>

#include "switchboard/wire/base64.hpp"
#include "switchboard/wire/utf8.hpp"

namespace switchboard::http::detail::ws {

namespace {

bool is_known(std::uint8_t op) { return op <= 2 || (op >= 8 && op <= 10); }

}  // namespace

parsed parse_client_header(std::string_view bytes, client_header& out) {
  if (bytes.size() < 2) return parsed::incomplete;
  const auto byte = [&](std::size_t i) { return static_cast<std::uint8_t>(bytes[i]); };
  const std::uint8_t op = byte(0) & 0x0f;
  if ((byte(0) & 0x70) != 0 || !is_known(op) || (byte(1) & 0x80) == 0) return parsed::protocol_error;
  out.fin = (byte(0) & 0x80) != 0;
  out.op = static_cast<opcode>(op);
  std::uint64_t length = byte(1) & 0x7f;
  const bool control = op >= 8;
  if (control && (!out.fin || length > 125)) return parsed::protocol_error;
  std::size_t at = 2;
  if (length >= 126) {
    const std::size_t width = length == 126 ? 2 : 8;
    if (bytes.size() < at + width) return parsed::incomplete;
    length = 0;
    for (std::size_t i = 0; i < width; ++i) length = length << 8 | byte(at + i);
    if (width == 8 && (length >> 63) != 0) return parsed::protocol_error;
    at += width;
  }
  if (bytes.size() < at + 4) return parsed::incomplete;
  for (std::size_t i = 0; i < 4; ++i) out.mask[i] = byte(at + i);
  out.length = length;
  out.size = at + 4;
  return parsed::complete;
}

void unmask(char* data, std::size_t size, const std::array<unsigned char, 4>& mask, std::size_t offset) {
  for (std::size_t i = 0; i < size; ++i) data[i] = static_cast<char>(data[i] ^ mask[(offset + i) & 3]);
}

std::size_t write_server_header(opcode op, std::uint64_t length, unsigned char* out) {
  out[0] = static_cast<unsigned char>(0x80 | static_cast<std::uint8_t>(op));
  if (length < 126) {
    out[1] = static_cast<unsigned char>(length);
    return 2;
  }
  const std::size_t width = length <= 0xffff ? 2 : 8;
  out[1] = width == 2 ? 126 : 127;
  for (std::size_t i = 0; i < width; ++i) out[2 + i] = static_cast<unsigned char>(length >> (8 * (width - 1 - i)));
  return 2 + width;
}

std::string server_frame(opcode op, std::string_view payload) {
  unsigned char header[max_header_size];
  std::string frame(reinterpret_cast<const char*>(header), write_server_header(op, payload.size(), header));
  frame += payload;
  return frame;
}

std::string close_frame(std::uint16_t code) {
  const char status[2] = {static_cast<char>(code >> 8), static_cast<char>(code & 0xff)};
  return server_frame(opcode::close, std::string_view(status, 2));
}

bool is_valid_close_code(std::uint16_t code) noexcept {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

close_reply close_answer(std::string_view payload) noexcept {
  if (payload.empty()) return {0, true};
  if (payload.size() == 1) return {close_code::protocol_error, false};
  const auto code = static_cast<std::uint16_t>((static_cast<unsigned char>(payload[0]) << 8) |
                                               static_cast<unsigned char>(payload[1]));
  if (!is_valid_close_code(code)) return {close_code::protocol_error, false};
  if (!wire::is_valid_utf8(payload.substr(2))) return {close_code::invalid_payload, false};
  return {code, true};
}

std::string accept_key(std::string_view key) {
  std::string input(key);
  input += "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest);
  std::string out;
  wire::append_base64(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest), out);
  return out;
}

handshake_answer answer_handshake(std::string_view key, std::string_view version) {
  if (version != "13") {
    return {false, "HTTP/1.1 426 Upgrade Required\r\nSec-WebSocket-Version: 13\r\nConnection: close\r\n"
                   "Content-Length: 0\r\n\r\n"};
  }
  // A key is 16 random bytes in base64: 24 characters ending in "==".
  std::string decoded;
  if (key.size() != 24 || wire::decode_base64(key, decoded) || decoded.size() != 16) {
    return {false, "HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"};
  }
  return {true, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                "Sec-WebSocket-Accept: " + accept_key(key) + "\r\n\r\n"};
}

}  // namespace switchboard::http::detail::ws
