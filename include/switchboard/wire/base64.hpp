#pragma once
/// @file
/// Standard base64 (RFC 4648, with padding), as Engine.IO polling uses for binary packets, and
/// base64url without padding (RFC 4648 §5), as JOSE uses (RFC 7515 §2); and lowercase hex for
/// ids and digests.
#include <string>
#include <string_view>
#include <system_error>

namespace switchboard::wire {

/// Appends `bytes` to `out` as standard base64, with padding.
void append_base64(std::string_view bytes, std::string& out);

/// Decodes standard base64 `text`, appending the bytes to `out` (untouched on error).
/// Strict: any character outside the alphabet, or a bad length or padding, is errc::invalid_base64.
/// Padding may be omitted, as Node's decoder allows.
std::error_code decode_base64(std::string_view text, std::string& out);

/// Appends `bytes` to `out` as base64url, without padding.
void append_base64url(std::string_view bytes, std::string& out);

/// Decodes base64url `text` (no padding), appending the bytes to `out` (untouched on error).
/// Strict: '=', any character outside the url alphabet, a bad length, or non-zero trailing bits
/// is errc::invalid_base64, so that each byte string has exactly one accepted text.
std::error_code decode_base64url(std::string_view text, std::string& out);

/// Appends `bytes` to `out` as lowercase hexadecimal, two characters per byte.
void append_hex(std::string_view bytes, std::string& out);

}  // namespace switchboard::wire
