#include "chat_api.hpp"

#include <boost/asio/post.hpp>
#include <boost/json/parse.hpp>
#include <boost/url/parse.hpp>
#include <charconv>

#include "api_keys.hpp"
#include "chat/chat_error.hpp"
#include "routes.hpp"
#include "switchboard/auth/error.hpp"

namespace switchboard::app {
namespace {

namespace json = boost::json;
namespace beast_http = boost::beast::http;
using status = beast_http::status;

constexpr std::string_view rooms_path = "/api/v1/chat/rooms";

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

status status_of(std::error_code ec) {
  if (ec == chat::errc::room_unknown) return status::not_found;
  if (ec == chat::errc::not_a_member) return status::forbidden;
  if (ec == chat::errc::room_exists) return status::conflict;
  if (ec == chat::errc::room_id_invalid) return status::bad_request;
  return status::internal_server_error;
}

std::optional<std::int64_t> integer_param(const boost::urls::params_view& params, std::string_view key, std::int64_t fallback) {
  const auto it = params.find(key);
  if (it == params.end()) return fallback;
  const std::string value = (*it).value;
  std::int64_t out = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), out);
  if (ec != std::errc() || end != value.data() + value.size() || out < 0) return std::nullopt;
  return out;
}

class chat_api {
 public:
  chat_api(std::shared_ptr<chat::chat_store> store, std::shared_ptr<const auth::authenticator> users,
           const std::map<std::string, std::string>& keys, boost::asio::any_io_executor workers)
      : store_(std::move(store)), users_(std::move(users)), keys_(keys), workers_(std::move(workers)) {}

  void handle(const http::exchange_ptr& ex) const {
    const auto target = boost::urls::parse_origin_form(ex->req().target());
    if (!target) return fail(ex, status::bad_request, "invalid_target", "the request target is not a valid path");
    const std::string path = target->path();
    if (path == rooms_path) return create_room(ex);
    constexpr std::string_view messages_suffix = "/messages";
    if (path.starts_with(std::string(rooms_path) + "/") && path.ends_with(messages_suffix)) {
      const std::string room = path.substr(rooms_path.size() + 1, path.size() - rooms_path.size() - 1 - messages_suffix.size());
      if (!room.empty() && room.find('/') == std::string::npos) return messages(ex, room, target->params());
    }
    fail(ex, status::not_found, "not_found", "no such chat route");
  }

 private:
  static void fail(const http::exchange_ptr& ex, status s, std::string_view code, std::string_view message) {
    ex->respond(json_error(ex->req(), s, code, message));
  }

  void create_room(const http::exchange_ptr& ex) const {
    const http::request& req = ex->req();
    if (req.method() != beast_http::verb::post) return fail(ex, status::method_not_allowed, "method_not_allowed", "use POST");
    const auto key = bearer_token(req);
    if (!key || !keys_.match(*key)) return fail(ex, status::unauthorized, "unauthorized", "a valid API key is required");
    boost::system::error_code ec;
    const json::value body = json::parse(req.body(), ec);
    const json::object* room = body.if_object();
    const json::value* name = room ? room->if_contains("name") : nullptr;
    const json::value* id = room ? room->if_contains("id") : nullptr;
    const json::value* members = room ? room->if_contains("members") : nullptr;
    std::vector<std::string> member_ids;
    bool valid = !ec && room && name && name->is_string() && (!id || id->is_string()) && members && members->is_array();
    for (const auto& m : valid ? members->get_array() : json::array()) {
      if (!m.is_string() || m.get_string().empty()) valid = false;
      else member_ids.emplace_back(m.get_string());
    }
    if (!valid) {
      return fail(ex, status::bad_request, "invalid_room",
                  "expected {\"name\": string, \"members\": [string...], \"id\"?: string}");
    }
    boost::asio::post(workers_, [ex, store = store_, id = id ? std::string(id->get_string()) : std::string(),
                                 name = std::string(name->get_string()), member_ids] {
      std::string created;
      if (const auto ec = store->create_room(id, name, member_ids, now_ms(), created)) {
        return fail(ex, status_of(ec), chat::code_name(ec), ec.message());
      }
      ex->respond(json_response(ex->req(), status::created, json::object{{"id", created}}));
    });
  }

  void messages(const http::exchange_ptr& ex, std::string room, const boost::urls::params_view& params) const {
    if (ex->req().method() != beast_http::verb::get) return fail(ex, status::method_not_allowed, "method_not_allowed", "use GET");
    const auto after = integer_param(params, "after", 0);
    const auto limit = integer_param(params, "limit", static_cast<std::int64_t>(chat::max_page));
    if (!after || !limit) return fail(ex, status::bad_request, "invalid_query", "after and limit are non-negative integers");
    const auto token = bearer_token(ex->req());
    if (!token) return fail(ex, status::unauthorized, "token_missing", "send the user's token: Authorization: Bearer ...");
    users_->verify(std::string(*token), [ex, store = store_, workers = workers_, room = std::move(room), after = *after,
                                         limit = *limit](std::error_code ec, auth::identity who) {
      if (ec) return fail(ex, status::unauthorized, auth::code_name(ec), ec.message());
      boost::asio::post(workers, [ex, store, room, after, limit, user = std::move(who.user_id)] {
        std::vector<chat::stored_message> found;
        std::error_code failed = store->check_member(room, user);
        if (!failed) failed = store->messages_after(room, after, static_cast<std::size_t>(limit), found);
        if (failed) return fail(ex, status_of(failed), chat::code_name(failed), failed.message());
        json::array list;
        for (const auto& m : found) {
          list.push_back(json::object{{"id", m.id}, {"roomId", m.room_id}, {"from", m.user_id}, {"text", m.text}, {"sentAt", m.sent_at}});
        }
        ex->respond(json_response(ex->req(), status::ok, json::object{{"messages", std::move(list)}}));
      });
    });
  }

  std::shared_ptr<chat::chat_store> store_;
  std::shared_ptr<const auth::authenticator> users_;
  api_keys keys_;
  boost::asio::any_io_executor workers_;
};

}  // namespace

std::shared_ptr<http::route> make_chat_api(std::shared_ptr<chat::chat_store> store,
                                           std::shared_ptr<const auth::authenticator> users,
                                           std::map<std::string, std::string> api_keys,
                                           boost::asio::any_io_executor workers) {
  auto api = std::make_shared<chat_api>(std::move(store), std::move(users), api_keys, std::move(workers));
  return std::make_shared<function_route>([api](http::exchange_ptr ex) { api->handle(ex); }, 64 * 1024);
}

}  // namespace switchboard::app
