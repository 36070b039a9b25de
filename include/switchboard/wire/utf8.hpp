#pragma once
/// @file
/// UTF-8 validation, for the decoders and for WebSocket text messages (RFC 6455 section 8.1).
#include <string_view>

namespace switchboard::wire {

/// Whether `bytes` is entirely valid UTF-8.
bool is_valid_utf8(std::string_view bytes) noexcept;

}  // namespace switchboard::wire
