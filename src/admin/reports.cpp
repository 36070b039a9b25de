#include "reports.hpp"

#include <algorithm>
#include <ctime>

#include "switchboard/engine/session.hpp"

namespace switchboard::admin::detail {

namespace json = boost::json;

std::string js_date(std::chrono::system_clock::time_point t) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  const auto n = std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900, utc.tm_mon + 1,
                               utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<int>(ms % 1000));
  return std::string(text, static_cast<std::size_t>(n));
}

namespace {

std::string transport_name(const sio::socket& s) {
  return s.session().transport() == engine::transport_kind::websocket ? "websocket" : "polling";
}

// "/socket.io/?EIO=4&token=abc&x=1" -> "/socket.io/?EIO=4&token=[redacted]&x=1".
std::string redact_token_in_url(std::string_view url) {
  std::string out(url);
  for (std::size_t at = out.find("token="); at != std::string::npos; at = out.find("token=", at + 1)) {
    if (at == 0 || (out[at - 1] != '?' && out[at - 1] != '&')) continue;
    const std::size_t value = at + 6;
    const std::size_t end = std::min(out.find('&', value), out.size());
    out.replace(value, end - value, "[redacted]");
  }
  return out;
}

// The handshake as the UI shows it: never a credential (the auth payload, the Authorization and
// Cookie headers, a token in the query), so that a dashboard does not hand out users' tokens.
json::object public_handshake(json::object handshake) {
  handshake.erase("auth");
  const auto redact = [&handshake](std::string_view part, std::initializer_list<std::string_view> keys) {
    auto* fields = handshake.if_contains(part);
    if (!fields || !fields->is_object()) return;
    for (const auto key : keys) {
      if (auto* v = fields->as_object().if_contains(key)) *v = "[redacted]";
    }
  };
  redact("headers", {"authorization", "cookie", "proxy-authorization"});
  redact("query", {"token"});
  if (auto* url = handshake.if_contains("url"); url && url->is_string()) *url = redact_token_in_url(url->get_string());
  return handshake;
}

// What the admin layer keeps in socket.data for itself: {clientId, transport}, and a login's
// session id between the middleware and the connection handler (never for other UIs to see).
json::object without_admin(json::object data) {
  data.erase("_admin");
  data.erase("_admin_session");
  return data;
}

json::array room_list(const std::set<std::string>& rooms) {
  json::array out;
  for (const auto& room : rooms) out.emplace_back(room);
  return out;
}

}  // namespace

json::object admin_data(const sio::socket& s) {
  return {{"clientId", s.session().id().substr(0, 12)}, {"transport", transport_name(s)}};
}

json::object serialize_socket(const sio::socket& s) {
  return {{"id", s.id()},
          {"clientId", s.session().id().substr(0, 12)},
          {"transport", transport_name(s)},
          {"nsp", s.nsp()},
          {"data", without_admin(s.data())},
          {"handshake", public_handshake(s.handshake())},
          {"rooms", room_list(s.rooms())}};
}

json::object serialize_socket(const sio::socket_info& s, const std::string& nsp) {
  json::value client_id = "";
  json::value transport = "websocket";
  if (const auto* admin = s.data.if_contains("_admin"); admin && admin->is_object()) {
    if (const auto* id = admin->as_object().if_contains("clientId")) client_id = *id;
    if (const auto* t = admin->as_object().if_contains("transport")) transport = *t;
  }
  return {{"id", s.id},
          {"clientId", client_id},
          {"transport", transport},
          {"nsp", nsp},
          {"data", without_admin(s.data)},
          {"handshake", public_handshake(s.handshake)},
          {"rooms", room_list(s.rooms)}};
}

}  // namespace switchboard::admin::detail
