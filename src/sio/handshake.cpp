#include "handshake.hpp"

#include <boost/url/parse.hpp>
#include <cctype>
#include <ctime>

namespace switchboard::sio::detail {
namespace {

namespace json = boost::json;

std::string lower(std::string_view name) {
  std::string out(name);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// JavaScript's Date.prototype.toString() for a UTC process: "Fri Nov 27 2026 18:48:09 GMT+0000
// (Coordinated Universal Time)".
std::string js_date_string(std::chrono::system_clock::time_point t) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[64];
  const std::size_t n = std::strftime(text, sizeof text, "%a %b %d %Y %H:%M:%S GMT+0000 (Coordinated Universal Time)", &utc);
  return std::string(text, n);
}

json::object query_of(std::string_view target) {
  json::object query;
  const auto url = boost::urls::parse_origin_form(target);
  if (!url) return query;
  for (const auto& param : url->params()) query[param.key] = param.has_value ? param.value : std::string();
  return query;
}

}  // namespace

json::object describe_handshake(const engine::session& session, const json::object& auth,
                                std::chrono::system_clock::time_point issued) {
  const engine::handshake_request& req = session.handshake();
  json::object headers;
  req.for_each_field([&headers](std::string_view field_name, std::string_view value) {
    const std::string name = lower(field_name);
    if (auto* existing = headers.if_contains(name)) {
      existing->as_string().append(", ").append(value);
    } else {
      headers[name] = value;
    }
  });
  boost::system::error_code ec;
  const std::string address = session.remote().address().to_string(ec);
  return json::object{
      {"headers", std::move(headers)},
      {"time", js_date_string(issued)},
      {"address", address},
      {"xdomain", req.find("origin").has_value()},
      {"issued", std::chrono::duration_cast<std::chrono::milliseconds>(issued.time_since_epoch()).count()},
      {"url", req.target()},
      {"query", query_of(req.target())},
      {"auth", auth},
  };
}

}  // namespace switchboard::sio::detail
