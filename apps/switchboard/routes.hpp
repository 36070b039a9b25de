#pragma once
// The binary's HTTP routes beside /socket.io/: small function-backed routes with JSON answers
// and an X-Request-Id on every response.
#include <boost/json/value.hpp>
#include <functional>
#include <memory>
#include <string>

#include "switchboard/http/websocket_channel.hpp"

namespace switchboard::app {

// Sets the response's X-Request-Id (the request's, or a fresh one) and writes the access-log
// record. Every response of the binary's routes goes through it.
void stamp(const http::request& req, http::response& res);

// A JSON response, stamped.
http::response json_response(const http::request& req, boost::beast::http::status status, const boost::json::value& body);
http::response json_error(const http::request& req, boost::beast::http::status status, std::string_view code,
                          std::string_view message);

// Requests only (WebSocket upgrades are refused), with a body limit.
class function_route final : public http::route {
 public:
  using handler = std::function<void(http::exchange_ptr)>;
  function_route(handler h, std::size_t body_limit = 0) : handler_(std::move(h)), body_limit_(body_limit) {}
  void on_request(http::exchange_ptr ex) override;
  void on_websocket(http::websocket_upgrade_ptr upgrade) override;
  std::size_t body_limit() const noexcept override { return body_limit_; }
  http::websocket_options websocket() const noexcept override { return {}; }

 private:
  handler handler_;
  std::size_t body_limit_;
};

}  // namespace switchboard::app
