#include "session_id.hpp"

#include <array>

#include "switchboard/http/secure_random.hpp"

namespace switchboard::engine::detail {
namespace {

constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::size_t local_length = 20;
constexpr char node_separator = '.';

bool base64url(std::string_view text) noexcept { return text.find_first_not_of(alphabet) == std::string_view::npos; }

}  // namespace

bool valid_node_id(std::string_view node) noexcept {
  return !node.empty() && node.size() <= max_node_id_length && base64url(node);
}

std::string make_session_id(std::size_t shard, std::string_view node) {
  std::array<unsigned char, local_length - 1> random{};
  http::secure_random(random);
  std::string id;
  id.reserve(node.size() + 1 + local_length);
  if (!node.empty()) (id += node) += node_separator;
  id.push_back(alphabet[shard % max_shards]);
  for (const unsigned char byte : random) id.push_back(alphabet[byte & 0x3f]);
  return id;
}

std::optional<session_owner> owner_of_session_id(std::string_view id) noexcept {
  session_owner owner;
  if (const auto dot = id.find(node_separator); dot != std::string_view::npos) {
    owner.node = id.substr(0, dot);
    if (!valid_node_id(owner.node)) return std::nullopt;
    id.remove_prefix(dot + 1);
  }
  if (id.size() != local_length || !base64url(id)) return std::nullopt;
  owner.shard = alphabet.find(id.front());
  return owner;
}

}  // namespace switchboard::engine::detail
