#include "emit_api.hpp"

#include <boost/json/parse.hpp>
#include <mutex>
#include <optional>

#include "api_keys.hpp"
#include "routes.hpp"
#include "switchboard/realtime/server.hpp"
#include "switchboard/wire/socketio.hpp"

namespace switchboard::app {
namespace {

namespace json = boost::json;
namespace beast_http = boost::beast::http;
using status = beast_http::status;

constexpr std::size_t max_body = 64 * 1024;

// An optional array of strings: false when present with another shape.
bool strings_of(const json::object& body, std::string_view key, std::vector<std::string>& out) {
  const json::value* v = body.if_contains(key);
  if (!v) return true;
  if (!v->is_array()) return false;
  for (const auto& item : v->get_array()) {
    if (!item.is_string() || item.get_string().empty()) return false;
    out.emplace_back(item.get_string());
  }
  return true;
}

// The 202 of an emission, sent once both its local count (on a shard) and the emit's own result
// are known, in either order: a cluster that could not be reached is said beside the count.
class accepted_answer {
 public:
  explicit accepted_answer(http::exchange_ptr ex) : ex_(std::move(ex)) {}
  void delivered(std::size_t recipients) {
    std::unique_lock lock(mutex_);
    recipients_ = recipients;
    if (result_) respond(lock);
  }
  void emitted(std::error_code result) {
    std::unique_lock lock(mutex_);
    result_ = result;
    if (recipients_) respond(lock);
  }

 private:
  void respond(std::unique_lock<std::mutex>& lock) {
    json::object body{{"recipients", *recipients_}};  // this node's sockets: other nodes deliver to their own
    if (*result_) body["warning"] = result_->message();
    lock.unlock();
    ex_->respond(json_response(ex_->req(), status::accepted, body));
  }
  http::exchange_ptr ex_;
  std::mutex mutex_;
  std::optional<std::size_t> recipients_;
  std::optional<std::error_code> result_;
};

class emit_api {
 public:
  emit_api(std::map<std::string, std::string> keys, std::string user_prefix)
      : keys_(keys), user_prefix_(std::move(user_prefix)) {}

  void handle(const http::exchange_ptr& ex) const {
    const http::request& req = ex->req();
    const auto fail = [&](status s, std::string_view code, std::string_view message) {
      ex->respond(json_error(req, s, code, message));
    };
    if (req.method() != beast_http::verb::post) return fail(status::method_not_allowed, "method_not_allowed", "use POST");
    const auto key = bearer_token(req);
    if (!key || !keys_.match(*key)) return fail(status::unauthorized, "unauthorized", "a valid API key is required (Authorization: Bearer ...)");

    boost::system::error_code ec;
    json::value parsed = json::parse(req.body(), ec);
    if (ec || !parsed.is_object()) return fail(status::bad_request, "invalid_json", "the body must be a JSON object");
    const json::object& body = parsed.get_object();
    const json::value* event = body.if_contains("event");
    if (!event || !event->is_string() || event->get_string().empty()) {
      return fail(status::bad_request, "invalid_event", "\"event\" must be a non-empty string");
    }
    std::vector<std::string> users, rooms, except;
    if (!strings_of(body, "users", users) || !strings_of(body, "rooms", rooms) || !strings_of(body, "except", except)) {
      return fail(status::bad_request, "invalid_targets", "\"users\", \"rooms\" and \"except\" must be arrays of non-empty strings");
    }
    const json::value* nsp = body.if_contains("namespace");
    if (nsp && !nsp->is_string()) return fail(status::bad_request, "invalid_namespace", "\"namespace\" must be a string");
    if (wire::sio::is_reserved_event(event->get_string())) {
      return fail(status::unprocessable_entity, "reserved_event", "this event name is reserved by the Socket.IO protocol");
    }
    if (users.empty() && rooms.empty()) {
      return fail(status::unprocessable_entity, "no_target", "name at least one user or room");
    }
    for (const auto& user : users) rooms.push_back(user_prefix_ + user);

    realtime::emit_options options{.nsp = nsp ? std::string(nsp->get_string()) : "/", .except_rooms = std::move(except)};
    auto answer = std::make_shared<accepted_answer>(ex);
    options.delivered = [answer](std::size_t recipients) { answer->delivered(recipients); };
    const json::value* data = body.if_contains("data");
    const std::error_code emitted = realtime::current().emit_json(
        event->get_string(), realtime::to_rooms{std::move(rooms)}, data ? *data : json::value(nullptr), options);
    if (!emitted || emitted == realtime::errc::cluster_unreachable) return answer->emitted(emitted);
    if (emitted == realtime::errc::unknown_namespace) return fail(status::unprocessable_entity, "unknown_namespace", emitted.message());
    if (emitted == realtime::errc::not_attached || emitted == realtime::errc::shutting_down) {
      return fail(status::service_unavailable, "unavailable", emitted.message());
    }
    fail(status::unprocessable_entity, "emit_failed", emitted.message());
  }

 private:
  api_keys keys_;
  std::string user_prefix_;
};

}  // namespace

std::shared_ptr<http::route> make_emit_api(std::map<std::string, std::string> api_keys, std::string user_room_prefix) {
  auto api = std::make_shared<emit_api>(std::move(api_keys), std::move(user_room_prefix));
  return std::make_shared<function_route>([api](http::exchange_ptr ex) { api->handle(ex); }, max_body);
}

}  // namespace switchboard::app
