// Fuzzes the Socket.IO decoder over a sequence of Engine.IO messages. The input is split on 0x1e;
// a chunk whose first byte is odd is a binary message, otherwise a text message (first byte dropped).
// Property: every decoded packet encodes, and its encoding is a fixed point of decode + encode.
#include <cstdint>
#include <string>
#include <string_view>

#include "switchboard/wire/socketio.hpp"

namespace sw = switchboard::wire;
namespace sio = switchboard::wire::sio;

namespace {

// Encodes `p`, decodes the result with a fresh decoder and encodes again: both must match.
void check_round_trip(const sio::packet& p) {
  sw::frame_ptr first;
  if (sio::encode_frame(p, first)) __builtin_trap();
  sio::decoder d;
  sio::decoder::status s{};
  sio::packet again;
  const auto messages = first->websocket_messages();
  if (d.add_text(std::string_view(messages[0].bytes).substr(1), s, again)) __builtin_trap();
  for (std::size_t i = 1; i < messages.size(); ++i) {
    if (d.add_binary(messages[i].bytes, s, again)) __builtin_trap();
  }
  if (s != sio::decoder::status::packet_ready) __builtin_trap();
  sw::frame_ptr second;
  if (sio::encode_frame(again, second)) __builtin_trap();
  if (first->polling_payload() != second->polling_payload()) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  sio::decoder decoder({.max_attachments = 4, .max_depth = 16, .max_namespace_length = 64});
  while (!input.empty()) {
    const std::size_t end = std::min(input.find('\x1e'), input.size());
    const std::string_view chunk = input.substr(0, end);
    input.remove_prefix(std::min(end + 1, input.size()));
    if (chunk.empty()) continue;
    sio::decoder::status s{};
    sio::packet p;
    const std::error_code ec = (chunk[0] & 1) ? decoder.add_binary(std::string(chunk.substr(1)), s, p)
                                              : decoder.add_text(chunk.substr(1), s, p);
    if (!ec && s == sio::decoder::status::packet_ready) check_round_trip(p);
  }
  return 0;
}
