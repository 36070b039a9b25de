// Fuzzes the polling payload decoders: never crash; whatever decodes must re-encode to a payload
// that decodes to the same packets. The v4 decoder reads the whole input; the v3 decoder reads
// it after the first byte, whose lowest bit chooses the body kind (0 text, 1 binary).
#include <cstdint>
#include <string_view>

#include "switchboard/wire/engineio.hpp"
#include "switchboard/wire/engineio_v3.hpp"

namespace eio = switchboard::wire::eio;

namespace {

void fuzz_v4(std::string_view body) {
  std::vector<eio::packet> packets;
  if (eio::decode_payload(body, packets)) {
    if (!packets.empty()) __builtin_trap();
    return;
  }
  std::vector<eio::packet> again;
  if (eio::decode_payload(eio::encode_payload(packets), again) || again != packets) __builtin_trap();
}

// The server answers v3 clients with text payloads only, so every body re-encodes as text.
void fuzz_v3(std::string_view body, bool binary_body) {
  std::vector<eio::packet> packets;
  if (eio::v3::decode_payload(body, binary_body, packets)) {
    if (!packets.empty()) __builtin_trap();
    return;
  }
  std::vector<eio::packet> again;
  if (eio::v3::decode_payload(eio::v3::encode_payload(packets), false, again) || again != packets) {
    __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  fuzz_v4(input);
  if (!input.empty()) fuzz_v3(input.substr(1), (data[0] & 1) != 0);
  return 0;
}
