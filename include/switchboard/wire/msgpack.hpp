#pragma once
// MessagePack to and from Boost.JSON values, byte-identical to notepack.io 3 (what
// @socket.io/redis-adapter and @socket.io/redis-emitter speak).
//
// JSON has no binary type, so binary values travel beside the JSON tree as Socket.IO carries
// them: a `bin` becomes the placeholder {"_placeholder":true,"num":i} and its bytes are
// `attachments[i]`. Encoding turns such placeholders back into `bin` values.
#include <boost/json/value.hpp>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace switchboard::wire::msgpack {

struct decode_limits {
  std::size_t max_depth = 64;               // nested arrays and maps
  std::size_t max_elements = 1u << 20;      // all array items and map entries, summed
  std::size_t max_attachments = 1u << 10;   // bin values
};

// Encodes as notepack.io 3 does: integers in their smallest width, non-integral numbers as
// float64, strings/bin/arrays/maps in their smallest length form. An integral double is an
// integer. A placeholder whose num has no attachment is errc::invalid_attachments.
std::error_code encode(const boost::json::value& value, std::span<const std::string> attachments,
                       std::string& out);

// Decodes exactly one value filling all of `bytes`. Timestamps (ext -1) become ISO-8601 strings
// as Date.toJSON writes them; other ext values become [type, placeholder]; float32 becomes a
// double. Truncated, malformed or over-limit input gives an error and leaves `out` unspecified.
std::error_code decode(std::string_view bytes, boost::json::value& out,
                       std::vector<std::string>& attachments, const decode_limits& limits = {});

}  // namespace switchboard::wire::msgpack
