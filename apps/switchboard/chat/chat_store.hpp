#pragma once
// The chat rooms, their members and their messages, in one SQLite file (WAL, so that a CLI or
// the REST API may read while the server writes). Blocking calls: run them on the realtime
// server's workers, never on a loop thread. Thread-safe (one connection behind a mutex).
// Errors: chat::errc (room_unknown, not_a_member, room_exists, room_id_invalid, store_failed).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "chat/chat_error.hpp"

namespace switchboard::chat {

struct stored_message {
  std::int64_t id = 0;  // increases with every message of the store
  std::string room_id;
  std::string user_id;
  std::string text;
  std::int64_t sent_at = 0;  // Unix milliseconds
};

// The most messages one messages_after() returns.
inline constexpr std::size_t max_page = 500;
// The longest room id: module rooms refuse longer ones.
inline constexpr std::size_t max_room_id = 256;

class chat_store {
 public:
  // Opens (and creates, with its tables) the file at `path`. Throws std::runtime_error when it
  // cannot: a start-up error.
  explicit chat_store(const std::string& path);
  ~chat_store();
  chat_store(const chat_store&) = delete;
  chat_store& operator=(const chat_store&) = delete;

  // Creates a room with its first members; an empty `id` gets 12 random base64url characters.
  // The room id is written to `created_id`. Errors: room_exists, room_id_invalid, store_failed.
  std::error_code create_room(std::string_view id, std::string_view name, const std::vector<std::string>& members,
                              std::int64_t now_ms, std::string& created_id);
  // {} when the room exists, else room_unknown (or store_failed).
  std::error_code check_room(std::string_view room_id);
  // {} when `user_id` is a member of the room, else room_unknown or not_a_member (or store_failed).
  std::error_code check_member(std::string_view room_id, std::string_view user_id);
  // Idempotent. Errors: room_unknown, store_failed.
  std::error_code add_member(std::string_view room_id, std::string_view user_id);

  // Stores a member's message (durably: the message is committed when this returns {}) and
  // writes its id to `message_id`. Errors: room_unknown, not_a_member, store_failed.
  std::error_code append_message(std::string_view room_id, std::string_view user_id, std::string_view text,
                                 std::int64_t now_ms, std::int64_t& message_id);
  // The room's messages with an id above `after_id`, oldest first, at most min(limit, max_page),
  // appended to `out`. Errors: room_unknown, store_failed.
  std::error_code messages_after(std::string_view room_id, std::int64_t after_id, std::size_t limit,
                                 std::vector<stored_message>& out);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace switchboard::chat
