#pragma once
// Query parameters of a request target, percent-decoded.
#include <array>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace switchboard::engine::detail {

// What a handshake's query says of its client: its Engine.IO protocol (EIO=3 is 3, else 4: the
// handshake's check has refused any other) and whether it wants binary as base64 text (b64, from v3 clients without binary support).
struct client_protocol {
  int version = 4;
  bool b64 = false;
};
client_protocol client_protocol_of(std::string_view target);

std::optional<std::string> query_param(std::string_view target, std::string_view key);

// The first value of each of `keys` (nullopt: absent, valueless, or a target that does not
// parse), in one parse of the target: values[i] is keys[i]'s. At most 64 keys.
void query_params(std::string_view target, std::span<const std::string_view> keys,
                  std::span<std::optional<std::string>> values);

template <std::size_t N>
std::array<std::optional<std::string>, N> query_params(std::string_view target,
                                                       const std::array<std::string_view, N>& keys) {
  std::array<std::optional<std::string>, N> values;
  query_params(target, keys, values);
  return values;
}

}  // namespace switchboard::engine::detail
