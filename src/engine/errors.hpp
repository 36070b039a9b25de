#pragma once
// The Engine.IO error codes and the HTTP answers the reference server gives for them.
#include "switchboard/http/types.hpp"

namespace switchboard::engine::detail {

enum class error_code : int {
  unknown_transport = 0,
  unknown_sid = 1,
  bad_handshake_method = 2,
  bad_request = 3,
  forbidden = 4,
  unsupported_protocol_version = 5,
};

// 403 for forbidden, 400 otherwise, with {"code":N,"message":"..."} and the CORS headers.
http::response error_response(const http::request& req, error_code code);

}  // namespace switchboard::engine::detail
