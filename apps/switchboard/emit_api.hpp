#pragma once
// POST /api/v1/emit: other services emit events to users and rooms through the realtime server.
//   Authorization: Bearer <an api.keys value>
//   {"event": "...", "data": <json>, "users": [...], "rooms": [...], "except": [...], "namespace": "/"}
// 202 {"recipients": N} (sockets of this node; in a cluster the other nodes deliver to theirs,
// and "warning" says when Redis could not be reached), or 400/401/405/413/422/503 with
// {"error": {"code", "message"}}.
#include <map>
#include <memory>
#include <string>

#include "switchboard/http/websocket_channel.hpp"

namespace switchboard::app {

std::shared_ptr<http::route> make_emit_api(std::map<std::string, std::string> api_keys, std::string user_room_prefix);

}  // namespace switchboard::app
