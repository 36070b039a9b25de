#pragma once
// The chat module's events: rooms chat:<roomId>, messages stored before they are broadcast,
// and typing indicators (volatile).
#include <cstdint>
#include <string>

#include "switchboard/realtime/event.hpp"
#include "switchboard/realtime/payload.hpp"
#include "switchboard/realtime/server.hpp"

namespace switchboard::chat {

struct ChatSend {
  std::string roomId;
  std::string text;
};
BOOST_DESCRIBE_STRUCT(ChatSend, (), (roomId, text))

struct ChatSent {
  std::int64_t messageId = 0;
};
BOOST_DESCRIBE_STRUCT(ChatSent, (), (messageId))

struct ChatMessage {
  std::string roomId;
  std::int64_t messageId = 0;
  std::string from;
  std::string text;
  std::int64_t sentAt = 0;  // Unix milliseconds
};
BOOST_DESCRIBE_STRUCT(ChatMessage, (), (roomId, messageId, from, text, sentAt))

struct ChatTyping {
  std::string roomId;
};
BOOST_DESCRIBE_STRUCT(ChatTyping, (), (roomId))

struct ChatTypingNotice {
  std::string roomId;
  std::string userId;
};
BOOST_DESCRIBE_STRUCT(ChatTypingNotice, (), (roomId, userId))

namespace rt = switchboard::realtime;
inline constexpr rt::client_event<rt::RoomRequest, rt::RoomMembership> join{"chat:join"};
inline constexpr rt::client_event<rt::RoomRequest, rt::RoomMembership> leave{"chat:leave"};
inline constexpr rt::client_event<ChatSend, ChatSent> send{"chat:send"};
inline constexpr rt::server_event<ChatMessage> message{"chat:message"};
inline constexpr rt::client_event<ChatTyping> typing{"chat:typing"};
inline constexpr rt::server_event<ChatTypingNotice> typing_notice{"chat:typing"};
inline constexpr auto events = rt::catalogue("chat", join, leave, send, message, typing, typing_notice);

}  // namespace switchboard::chat
