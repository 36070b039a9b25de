#include "errors.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "switchboard/engine/cors.hpp"

namespace switchboard::engine::detail {
namespace {

std::string_view message_of(error_code code) {
  switch (code) {
    case error_code::unknown_transport: return "Transport unknown";
    case error_code::unknown_sid: return "Session ID unknown";
    case error_code::bad_handshake_method: return "Bad handshake method";
    case error_code::bad_request: return "Bad request";
    case error_code::forbidden: return "Forbidden";
    case error_code::unsupported_protocol_version: return "Unsupported protocol version";
  }
  return "Bad request";
}

}  // namespace

http::response error_response(const http::request& req, error_code code) {
  namespace bh = boost::beast::http;
  const auto status = code == error_code::forbidden ? bh::status::forbidden : bh::status::bad_request;
  std::string body = "{\"code\":" + std::to_string(static_cast<int>(code)) + ",\"message\":\"" +
                     std::string(message_of(code)) + "\"}";
  http::response res = http::make_response(req, status, std::move(body), "application/json");
  // A refused origin gets nothing reflected; the others may read the error.
  if (code != error_code::forbidden) add_cors_headers(req, res);
  return res;
}

http::response refusal_response(const http::request& req, boost::beast::http::status status, std::string_view message) {
  // Serialized: an allow_request refusal's message is the application's text.
  std::string body = boost::json::serialize(
      boost::json::object{{"code", static_cast<int>(error_code::forbidden)}, {"message", message}});
  http::response res = http::make_response(req, status, std::move(body), "application/json");
  add_cors_headers(req, res);
  return res;
}

}  // namespace switchboard::engine::detail
