#include "routes.hpp"

#include <boost/json/serialize.hpp>

#include "switchboard/http/secure_random.hpp"
#include "switchboard/log/log.hpp"
#include "switchboard/wire/base64.hpp"

namespace switchboard::app {
namespace {

namespace beast_http = boost::beast::http;

// The caller's request id when it is sane, else 16 fresh hex characters.
std::string request_id_of(const http::request& req) {
  const auto it = req.find("X-Request-Id");
  if (it != req.end()) {
    const std::string_view given = it->value();
    const bool sane = !given.empty() && given.size() <= 128 && std::all_of(given.begin(), given.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
    });
    if (sane) return std::string(given);
  }
  unsigned char random[8];
  http::secure_random(random);  // a per-thread pool: RAND_bytes costs about 2 µs a call
  std::string id;
  wire::append_hex(std::string_view(reinterpret_cast<const char*>(random), sizeof random), id);
  return id;
}

}  // namespace

void stamp(const http::request& req, http::response& res) {
  const std::string id = request_id_of(req);
  res.set("X-Request-Id", id);
  const std::string_view target = req.target();
  log::info("http", {{"method", std::string_view(req.method_string())},
                     {"path", target.substr(0, target.find('?'))},  // the query may hold secrets
                     {"status", static_cast<int>(res.result_int())},
                     {"request_id", id}});
}

http::response json_response(const http::request& req, beast_http::status status, const boost::json::value& body) {
  auto res = http::make_response(req, status, boost::json::serialize(body), "application/json");
  stamp(req, res);
  return res;
}

http::response json_error(const http::request& req, beast_http::status status, std::string_view code,
                          std::string_view message) {
  return json_response(req, status, boost::json::object{{"error", {{"code", code}, {"message", message}}}});
}

void function_route::on_request(http::exchange_ptr ex) { handler_(std::move(ex)); }

void function_route::on_websocket(http::websocket_upgrade_ptr upgrade) {
  upgrade->refuse(json_error(upgrade->req(), beast_http::status::bad_request, "not_a_websocket_route",
                             "this path does not take WebSocket connections"));
}

}  // namespace switchboard::app
