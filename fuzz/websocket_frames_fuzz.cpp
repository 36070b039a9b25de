// Client frame headers from arbitrary bytes: parsing never reads past the input and agrees with
// what it reports; a frame built from the input's own fields parses back to them and unmasks to
// its payload.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "websocket_frames.hpp"

namespace ws = switchboard::http::detail::ws;

namespace {

void check(bool condition) {
  if (!condition) std::abort();
}

std::string masked_client_frame(std::uint8_t first, std::string_view payload, const unsigned char mask[4]) {
  std::string frame(1, static_cast<char>(first));
  if (payload.size() < 126) {
    frame.push_back(static_cast<char>(0x80 | payload.size()));
  } else {
    frame.push_back(static_cast<char>(0x80 | 126));
    frame.push_back(static_cast<char>(payload.size() >> 8));
    frame.push_back(static_cast<char>(payload.size() & 0xff));
  }
  frame.append(reinterpret_cast<const char*>(mask), 4);
  for (std::size_t i = 0; i < payload.size(); ++i) frame.push_back(static_cast<char>(payload[i] ^ mask[i % 4]));
  return frame;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  ws::client_header header;
  if (ws::parse_client_header(input, header) == ws::parsed::complete) {
    check(header.size >= 6 && header.size <= 14 && header.size <= input.size());
    const auto op = static_cast<unsigned>(header.op);
    check(op <= 2 || (op >= 8 && op <= 10));
    if (op >= 8) check(header.fin && header.length <= 125);
  }
  if (size < 5) return 0;
  // The first byte chooses FIN and the opcode, the next four the mask, the rest is the payload.
  const std::uint8_t first = static_cast<std::uint8_t>(0x80 | (data[0] % 3));  // final continuation/text/binary
  const std::string_view payload = input.substr(5, 65535);
  const std::string frame = masked_client_frame(first, payload, data + 1);
  ws::client_header parsed;
  check(ws::parse_client_header(frame, parsed) == ws::parsed::complete);
  check(parsed.length == payload.size() && parsed.size + parsed.length == frame.size());
  std::string body = frame.substr(parsed.size);
  ws::unmask(body.data(), body.size(), parsed.mask);
  check(body == payload);
  return 0;
}
