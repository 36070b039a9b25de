#include "chat/chat_text.hpp"

#include "chat/chat_error.hpp"

namespace switchboard::chat {

std::error_code check_text(std::string_view text, std::size_t max_bytes) noexcept {
  if (text.empty()) return errc::text_empty;
  if (text.size() > max_bytes) return errc::text_too_long;
  return {};
}

}  // namespace switchboard::chat
