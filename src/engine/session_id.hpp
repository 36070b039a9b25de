#pragma once
// Session ids: 20 characters of base64url. The first names the owner shard, the other 19 carry
// 114 bits from OpenSSL's CSPRNG, so an id cannot be guessed and routes without a lookup.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace switchboard::engine::detail {

inline constexpr std::size_t max_shards = 64;

std::string make_session_id(std::size_t shard);

// The owner shard of a well-formed id, or nullopt.
std::optional<std::size_t> shard_of_session_id(std::string_view id) noexcept;

}  // namespace switchboard::engine::detail
