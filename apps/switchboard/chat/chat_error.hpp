#pragma once
// Why a chat operation was refused. Each code has a stable snake_case name that clients receive
// in an ack's error ({"ok": false, "error": {"code": "not_a_member", ...}}).
#include <string_view>
#include <system_error>

namespace switchboard::chat {

enum class errc {
  room_unknown = 1,
  not_a_member,
  room_exists,
  room_id_invalid,   // an explicit room id of more than 256 bytes: module rooms refuse those
  text_empty,
  text_too_long,     // more than chat_options::max_text bytes
  too_many_pending,  // the socket has too many messages waiting to be stored
  store_failed,      // SQLite failed (the store logs the cause)
};

const std::error_category& chat_category() noexcept;
inline std::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), chat_category()}; }

// "room_unknown" for errc::room_unknown; "internal_error" for a code of another category.
std::string_view code_name(std::error_code ec) noexcept;

}  // namespace switchboard::chat

template <>
struct std::is_error_code_enum<switchboard::chat::errc> : std::true_type {};
