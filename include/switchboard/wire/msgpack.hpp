#pragma once
/// @file
/// MessagePack to and from Boost.JSON values, byte-identical to notepack.io 3 (what
/// \@socket.io/redis-adapter and \@socket.io/redis-emitter speak).
///
/// JSON has no binary type, so binary values travel beside the JSON tree as Socket.IO carries
/// them: a `bin` becomes the placeholder {"_placeholder":true,"num":i} and its bytes are
/// `attachments[i]`. Encoding turns such placeholders back into `bin` values.
#include <boost/json/value.hpp>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

/// MessagePack codec, byte-identical to notepack.io 3: what the Redis adapter protocol speaks.
namespace switchboard::wire::msgpack {

/// Bounds of decode(); over any of them the input is refused.
struct decode_limits {
  std::size_t max_depth = 64;               ///< Nested arrays and maps.
  std::size_t max_elements = 1u << 20;      ///< All array items and map entries, summed.
  std::size_t max_attachments = 1u << 10;   ///< Bin and ext values (errc::too_many_attachments).
};

/// Encodes as notepack.io 3 does: integers in their smallest width, non-integral numbers as
/// float64, strings/bin/arrays/maps in their smallest length form. An integral double is an
/// integer, unless outside [-2^63, 2^64), where it stays float64. A placeholder whose num has no
/// attachment is errc::invalid_attachments. Appends to `out`, which is left untouched on error.
std::error_code encode(const boost::json::value& value, std::span<const std::string> attachments,
                       std::string& out);

/// Decodes exactly one value filling all of `bytes`. Each bin is appended to `attachments`, and
/// placeholder nums index the whole vector (earlier entries included). Map keys must be strings
/// (errc::invalid_map_key); invalid UTF-8 becomes U+FFFD. Timestamps (ext -1) become ISO-8601
/// strings as Date.toJSON writes them (null if invalid); float32 becomes a double. notepack's
/// legacy type-0 ext forms: ext 8/16/32 (ArrayBuffer) -> bin, fixext 1 (undefined) -> null,
/// fixext 8 (legacy Date, int64 ms) -> as a timestamp. Other ext values become
/// [type, placeholder]. Truncated, malformed or over-limit input gives an error, leaves `out`
/// unspecified and restores `attachments` to its previous size.
std::error_code decode(std::string_view bytes, boost::json::value& out,
                       std::vector<std::string>& attachments, const decode_limits& limits = {});

/// Decodes the one value at the front of `bytes` as decode() does, and sets `used` to the number
/// of bytes it took; the bytes after it are left unread (no errc::trailing_bytes). For callers
/// that walk an outer structure themselves, such as a map whose members they tell apart.
std::error_code decode_front(std::string_view bytes, boost::json::value& out,
                             std::vector<std::string>& attachments, std::size_t& used,
                             const decode_limits& limits = {});

}  // namespace switchboard::wire::msgpack
