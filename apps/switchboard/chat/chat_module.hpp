#pragma once
// The chat module: rooms chat:<roomId> whose members the store knows, messages stored before
// they are acknowledged and broadcast, and typing indicators. Install once, before clients
// connect.
#include <cstddef>
#include <memory>

#include "chat/chat_store.hpp"
#include "switchboard/realtime/server.hpp"

namespace switchboard::chat {

struct chat_options {
  std::size_t max_text = 2000;   // bytes of UTF-8
  std::size_t max_pending = 16;  // messages of one socket waiting for the store; more are refused
};

// Registers chat:join and chat:leave (authorised by the store's membership), chat:send and
// chat:typing on the main namespace of `server`.
void install(realtime::server& server, std::shared_ptr<chat_store> store, chat_options opts = {});

}  // namespace switchboard::chat
