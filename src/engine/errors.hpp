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

// 403 for forbidden (a refused origin: no CORS headers), 400 otherwise, with
// {"code":N,"message":"..."} and the CORS headers.
http::response error_response(const http::request& req, error_code code);

// A handshake refused by a limit: `status` (429, 503) with {"code":4,"message":"<message>"}, the
// shape the reference gives when its allowRequest hook refuses, and the CORS headers.
http::response refusal_response(const http::request& req, boost::beast::http::status status, std::string_view message);

}  // namespace switchboard::engine::detail
