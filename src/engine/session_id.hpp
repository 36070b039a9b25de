#pragma once
// Session ids: 20 characters of base64url. The first names the owner shard, the other 19 carry
// 114 bits from OpenSSL's CSPRNG, so an id cannot be guessed and routes without a lookup. In a
// cluster the owner node's id comes first, then a dot: "n4Kq2w.AbC...", so that any node can
// relay a request to the owner without a lookup per session.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace switchboard::engine::detail {

inline constexpr std::size_t max_shards = 64;
inline constexpr std::size_t max_node_id_length = 16;

// `node`: empty on a single node, else a valid_node_id().
std::string make_session_id(std::size_t shard, std::string_view node = {});

struct session_owner {
  std::string_view node;  // empty when the id names no node
  std::size_t shard = 0;
};

// The owner of a well-formed id (views into `id`), or nullopt.
std::optional<session_owner> owner_of_session_id(std::string_view id) noexcept;

// 1 to max_node_id_length characters of base64url.
bool valid_node_id(std::string_view node) noexcept;

}  // namespace switchboard::engine::detail
