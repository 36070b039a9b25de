#pragma once
// POST /api/v1/emit: other services emit events to users and rooms through the realtime server.
//   Authorization: Bearer <an api.keys value>
//   {"event": "...", "data": <json>, "users": [...], "rooms": [...], "except": [...], "namespace": "/"}
// 202 {"recipients": N} (sockets of this node; in a cluster the other nodes deliver to theirs,
// and "warning" says when Redis could not be reached), or 400/401/405/413/422/503 with
// {"error": {"code", "message"}}.
// A batch is an array of such objects (at most api.max_batch): each is checked and emitted on its
// own, in order, and the answer is 200 {"results": [...]}, one per item at its index, each the
// single form's body with its "status" (202, or the item's error status) beside it.
#include <cstddef>
#include <map>
#include <memory>
#include <string>

#include "switchboard/http/websocket_channel.hpp"

namespace switchboard::app {

struct emit_api_limits {
  std::size_t max_body = std::size_t{1} << 20;  // bytes of a request body: over it, 413
  std::size_t max_batch = 1000;                 // emits per array: over it, 413 batch_too_large
};

std::shared_ptr<http::route> make_emit_api(std::map<std::string, std::string> api_keys, std::string user_room_prefix,
                                           const emit_api_limits& limits = {});

}  // namespace switchboard::app
