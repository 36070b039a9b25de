#include "emit_api.hpp"

#include <boost/json/parse.hpp>
#include <functional>
#include <mutex>
#include <optional>
#include <variant>

#include "api_keys.hpp"
#include "routes.hpp"
#include "switchboard/realtime/server.hpp"
#include "switchboard/wire/socketio.hpp"

namespace switchboard::app {
namespace {

namespace json = boost::json;
namespace beast_http = boost::beast::http;
using status = beast_http::status;

// One emission's answer: its status and body ({"recipients"...} or {"error": {...}}).
struct outcome {
  status code;
  json::object body;
};
using outcome_handler = std::function<void(outcome)>;

outcome refused(status code, std::string_view error, std::string_view message) {
  return {code, json::object{{"error", {{"code", error}, {"message", message}}}}};
}

// An emission as the request names it, checked.
struct emission {
  std::string event;
  std::vector<std::string> rooms;  // the users' rooms included
  std::vector<std::string> except;
  std::string nsp = "/";
  json::value data;
};

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

std::variant<emission, outcome> read_emission(json::value& v, const std::string& user_prefix) {
  if (!v.is_object()) return refused(status::bad_request, "invalid_json", "an emit must be a JSON object");
  json::object& body = v.get_object();
  const json::value* event = body.if_contains("event");
  if (!event || !event->is_string() || event->get_string().empty()) {
    return refused(status::bad_request, "invalid_event", "\"event\" must be a non-empty string");
  }
  emission e{.event = std::string(event->get_string())};
  std::vector<std::string> users;
  if (!strings_of(body, "users", users) || !strings_of(body, "rooms", e.rooms) || !strings_of(body, "except", e.except)) {
    return refused(status::bad_request, "invalid_targets", "\"users\", \"rooms\" and \"except\" must be arrays of non-empty strings");
  }
  if (const json::value* nsp = body.if_contains("namespace")) {
    if (!nsp->is_string()) return refused(status::bad_request, "invalid_namespace", "\"namespace\" must be a string");
    e.nsp = std::string(nsp->get_string());
  }
  if (wire::sio::is_reserved_event(e.event)) {
    return refused(status::unprocessable_entity, "reserved_event", "this event name is reserved by the Socket.IO protocol");
  }
  if (users.empty() && e.rooms.empty()) return refused(status::unprocessable_entity, "no_target", "name at least one user or room");
  for (const auto& user : users) e.rooms.push_back(user_prefix + user);
  if (json::value* data = body.if_contains("data")) e.data = std::move(*data);
  return e;
}

// The 202 of an emission, given once both its local count (on a shard) and the emit's own result
// are known, in either order: a cluster that could not be reached is said beside the count.
class accepted_answer {
 public:
  explicit accepted_answer(outcome_handler done) : done_(std::move(done)) {}
  void delivered(std::size_t recipients) {
    std::unique_lock lock(mutex_);
    recipients_ = recipients;
    if (result_) answer(lock);
  }
  void emitted(std::error_code result) {
    std::unique_lock lock(mutex_);
    result_ = result;
    if (recipients_) answer(lock);
  }

 private:
  void answer(std::unique_lock<std::mutex>& lock) {
    json::object body{{"recipients", *recipients_}};  // this node's sockets: other nodes deliver to their own
    if (*result_) body["warning"] = result_->message();
    lock.unlock();
    done_({status::accepted, std::move(body)});
  }
  outcome_handler done_;
  std::mutex mutex_;
  std::optional<std::size_t> recipients_;
  std::optional<std::error_code> result_;
};

void emit(emission e, outcome_handler done) {
  realtime::emit_options options{.nsp = std::move(e.nsp), .except_rooms = std::move(e.except)};
  auto answer = std::make_shared<accepted_answer>(done);
  options.delivered = [answer](std::size_t recipients) { answer->delivered(recipients); };
  const std::error_code emitted =
      realtime::current().emit_json(e.event, realtime::to_rooms{std::move(e.rooms)}, std::move(e.data), options);
  // On success `delivered` runs too (now or on a shard); on a failure it never does.
  if (!emitted || emitted == realtime::errc::cluster_unreachable) return answer->emitted(emitted);
  if (emitted == realtime::errc::unknown_namespace) return done(refused(status::unprocessable_entity, "unknown_namespace", emitted.message()));
  if (emitted == realtime::errc::not_attached || emitted == realtime::errc::shutting_down) {
    return done(refused(status::service_unavailable, "unavailable", emitted.message()));
  }
  done(refused(status::unprocessable_entity, "emit_failed", emitted.message()));
}

// The 200 of a batch: {"results": [...]}, each item's outcome at its index with its "status",
// once every item has one.
class batch_answer {
 public:
  batch_answer(http::exchange_ptr ex, std::size_t items) : ex_(std::move(ex)), results_(items), missing_(items) {}
  void set(std::size_t index, outcome o) {
    std::unique_lock lock(mutex_);
    o.body["status"] = static_cast<unsigned>(o.code);
    results_[index] = std::move(o.body);
    if (--missing_ > 0) return;
    json::object body{{"results", std::move(results_)}};
    lock.unlock();
    ex_->respond(json_response(ex_->req(), status::ok, body));
  }

 private:
  http::exchange_ptr ex_;
  std::mutex mutex_;
  json::array results_;
  std::size_t missing_;
};

class emit_api {
 public:
  emit_api(std::map<std::string, std::string> keys, std::string user_prefix, std::size_t max_batch)
      : keys_(keys), user_prefix_(std::move(user_prefix)), max_batch_(max_batch) {}

  void handle(const http::exchange_ptr& ex) const {
    const http::request& req = ex->req();
    const auto respond = [ex](outcome o) { ex->respond(json_response(ex->req(), o.code, o.body)); };
    if (req.method() != beast_http::verb::post) return respond(refused(status::method_not_allowed, "method_not_allowed", "use POST"));
    const auto key = bearer_token(req);
    if (!key || !keys_.match(*key)) {
      return respond(refused(status::unauthorized, "unauthorized", "a valid API key is required (Authorization: Bearer ...)"));
    }
    boost::system::error_code ec;
    json::value parsed = json::parse(req.body(), ec);
    if (ec || !(parsed.is_object() || parsed.is_array())) {
      return respond(refused(status::bad_request, "invalid_json", "the body must be a JSON object, or an array of them"));
    }
    if (parsed.is_object()) return emit_one(parsed, respond);
    json::array& items = parsed.get_array();
    if (items.empty()) return respond(refused(status::unprocessable_entity, "empty_batch", "the array holds no emit"));
    if (items.size() > max_batch_) {
      return respond(refused(status::payload_too_large, "batch_too_large",
                             "at most " + std::to_string(max_batch_) + " emits per request (api.max_batch)"));
    }
    auto answer = std::make_shared<batch_answer>(ex, items.size());
    for (std::size_t i = 0; i < items.size(); ++i) {
      emit_one(items[i], [answer, i](outcome o) { answer->set(i, std::move(o)); });
    }
  }

 private:
  void emit_one(json::value& item, outcome_handler done) const {
    auto read = read_emission(item, user_prefix_);
    if (auto* refusal = std::get_if<outcome>(&read)) return done(std::move(*refusal));
    emit(std::move(std::get<emission>(read)), std::move(done));
  }

  api_keys keys_;
  std::string user_prefix_;
  std::size_t max_batch_;
};

}  // namespace

std::shared_ptr<http::route> make_emit_api(std::map<std::string, std::string> api_keys, std::string user_room_prefix,
                                           const emit_api_limits& limits) {
  auto api = std::make_shared<emit_api>(std::move(api_keys), std::move(user_room_prefix), limits.max_batch);
  return std::make_shared<function_route>([api](http::exchange_ptr ex) { api->handle(ex); }, limits.max_body);
}

}  // namespace switchboard::app
