#pragma once
// What a chat message's text may be. The payload's JSON was parsed with UTF-8 validation, so
// the text is valid UTF-8 already; only its size is checked here.
#include <cstddef>
#include <string_view>
#include <system_error>

namespace switchboard::chat {

// {} when `text` may be sent; errc::text_empty, or errc::text_too_long past `max_bytes`.
std::error_code check_text(std::string_view text, std::size_t max_bytes) noexcept;

}  // namespace switchboard::chat
