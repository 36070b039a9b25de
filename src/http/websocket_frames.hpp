#pragma once
// RFC 6455 framing for the server side: client frame headers in (masked, validated), server
// frame headers out (unmasked). No I/O: raw_websocket_session does that.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace switchboard::http::detail::ws {

enum class opcode : std::uint8_t { continuation = 0, text = 1, binary = 2, close = 8, ping = 9, pong = 10 };

struct client_header {
  bool fin = true;
  opcode op = opcode::text;
  std::uint64_t length = 0;
  std::array<unsigned char, 4> mask{};
  std::size_t size = 0;  // of the header itself
};

enum class parsed { complete, incomplete, protocol_error };

// The header at the front of `bytes`. A protocol error is anything RFC 6455 says a server must
// fail the connection for: an unmasked frame, reserved bits or opcodes, a fragmented or
// over-long control frame, a 64-bit length with its top bit set.
parsed parse_client_header(std::string_view bytes, client_header& out);

// Unmasks `data` in place; `offset` is the position of data[0] in the frame's payload.
void unmask(char* data, std::size_t size, const std::array<unsigned char, 4>& mask, std::size_t offset = 0);

constexpr std::size_t max_header_size = 10;

// Writes an unmasked, final frame header for a payload of `length` bytes; returns its size.
std::size_t write_server_header(opcode op, std::uint64_t length, unsigned char* out);

// A whole close frame: the status code and no reason.
std::string close_frame(std::uint16_t code);

// A status code a peer may send (RFC 6455 7.4): 1000-1003, 1007-1014 and 3000-4999.
bool is_valid_close_code(std::uint16_t code) noexcept;

// The answer to a peer's close frame payload (unmasked): for a valid one its own code echoed
// (0 for an empty payload: an empty close); else a failure with 1002 for a 1-byte payload or a
// code a peer may not send, 1007 for a reason that is not UTF-8.
struct close_reply {
  std::uint16_t code = 0;
  bool valid = true;
};
close_reply close_answer(std::string_view payload) noexcept;

// A whole server frame around `payload` (control frames: pong, close echo).
std::string server_frame(opcode op, std::string_view payload);

// The answer to a client's opening handshake (RFC 6455 section 4.2.2): the 101 response with
// Sec-WebSocket-Accept, or, for a request a server must refuse, a 400 (bad or missing key) or a
// 426 naming version 13 (another version). No extension is accepted.
struct handshake_answer {
  bool accepted = false;
  std::string bytes;  // the whole HTTP response
};
handshake_answer answer_handshake(std::string_view key, std::string_view version);

// base64(SHA-1(key + the RFC 6455 GUID)).
std::string accept_key(std::string_view key);

namespace close_code {
constexpr std::uint16_t normal = 1000;
constexpr std::uint16_t protocol_error = 1002;
constexpr std::uint16_t policy_violation = 1008;
constexpr std::uint16_t invalid_payload = 1007;  // text that is not UTF-8
constexpr std::uint16_t too_big = 1009;
}  // namespace close_code

}  // namespace switchboard::http::detail::ws
