#pragma once
/// @file
/// JSON text as JavaScript writes and reads it: the Socket.IO payload format.
#include <boost/json/value.hpp>
#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>

namespace switchboard::wire {

/// Appends `value` exactly as JSON.stringify would: numbers in JavaScript's shortest form
/// ("1.5", "100", "1e+21"), non-finite numbers as null.
void append_json(const boost::json::value& value, std::string& out);

/// Parses one complete JSON text, numbers read exactly as JavaScript reads them. Depth beyond
/// `max_depth` is errc::nesting_too_deep; anything else malformed, or a number past the double
/// range, is errc::invalid_json.
std::error_code parse_json(std::string_view text, std::size_t max_depth, boost::json::value& out);

}  // namespace switchboard::wire
