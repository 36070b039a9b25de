#include "session_id.hpp"

#include <array>

#include "switchboard/http/secure_random.hpp"

namespace switchboard::engine::detail {
namespace {

constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::size_t id_length = 20;

}  // namespace

std::string make_session_id(std::size_t shard) {
  std::array<unsigned char, id_length - 1> random{};
  http::secure_random(random);
  std::string id(1, alphabet[shard % max_shards]);
  for (const unsigned char byte : random) id.push_back(alphabet[byte & 0x3f]);
  return id;
}

std::optional<std::size_t> shard_of_session_id(std::string_view id) noexcept {
  if (id.size() != id_length) return std::nullopt;
  for (const char c : id) {
    if (alphabet.find(c) == std::string_view::npos) return std::nullopt;
  }
  return alphabet.find(id.front());
}

}  // namespace switchboard::engine::detail
