#pragma once
// The chat module's REST routes, under /api/v1/chat/:
//   POST /api/v1/chat/rooms  (API key)  {"id"?: "...", "name": "...", "members": ["42", ...]}
//        201 {"id": "..."}; 400 invalid body, 401, 409 room_exists
//   GET  /api/v1/chat/rooms/{id}/messages?after=ID[&limit=N]  (the user's JWT or session token)
//        200 {"messages": [{id, roomId, from, text, sentAt}]}; 401, 403 not_a_member, 404 room_unknown
// A reconnecting client refetches what it missed here: nothing is replayed over the socket.
#include <map>
#include <memory>
#include <string>

#include "chat/chat_store.hpp"
#include "switchboard/auth/authenticator.hpp"
#include "switchboard/http/websocket_channel.hpp"

namespace switchboard::app {

std::shared_ptr<http::route> make_chat_api(std::shared_ptr<chat::chat_store> store,
                                           std::shared_ptr<const auth::authenticator> users,
                                           std::map<std::string, std::string> api_keys,
                                           boost::asio::any_io_executor workers);

}  // namespace switchboard::app
