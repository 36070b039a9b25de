// Fuzzes the polling payload decoder: never crash; whatever decodes must re-encode to a payload
// that decodes to the same packets.
#include <cstdint>
#include <string_view>

#include "switchboard/wire/engineio.hpp"

namespace eio = switchboard::wire::eio;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  std::vector<eio::packet> packets;
  if (eio::decode_payload(body, packets)) {
    if (!packets.empty()) __builtin_trap();
    return 0;
  }
  std::vector<eio::packet> again;
  if (eio::decode_payload(eio::encode_payload(packets), again) || again != packets) __builtin_trap();
  return 0;
}
