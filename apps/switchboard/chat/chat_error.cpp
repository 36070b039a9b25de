#include "chat/chat_error.hpp"

#include <string>

namespace switchboard::chat {
namespace {

struct description {
  std::string_view name;
  std::string_view message;
};

description describe(errc e) noexcept {
  switch (e) {
    case errc::room_unknown: return {"room_unknown", "no such chat room"};
    case errc::not_a_member: return {"not_a_member", "you are not a member of this chat room"};
    case errc::room_exists: return {"room_exists", "a chat room with this id exists already"};
    case errc::room_id_invalid: return {"room_id_invalid", "a room id has at most 256 bytes"};
    case errc::text_empty: return {"text_empty", "the message has no text"};
    case errc::text_too_long: return {"text_too_long", "the message text is longer than allowed"};
    case errc::too_many_pending: return {"too_many_pending", "too many messages wait to be stored: wait for their acks"};
    case errc::store_failed: return {"store_failed", "the chat store failed; try again"};
  }
  return {"internal_error", "unknown chat error"};
}

class chat_error_category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "switchboard.chat"; }
  std::string message(int value) const override { return std::string(describe(static_cast<errc>(value)).message); }
};

}  // namespace

const std::error_category& chat_category() noexcept {
  static const chat_error_category category;
  return category;
}

std::string_view code_name(std::error_code ec) noexcept {
  if (ec.category() != chat_category()) return "internal_error";
  return describe(static_cast<errc>(ec.value())).name;
}

}  // namespace switchboard::chat
