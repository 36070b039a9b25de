#include "switchboard/auth/guard.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/steady_timer.hpp>

#include "switchboard/auth/error.hpp"
#include "switchboard/log/log.hpp"

namespace switchboard::auth {
namespace {

namespace json = boost::json;

std::string_view transport_name(const sio::socket& s) {
  return s.session().transport() == engine::transport_kind::websocket ? "websocket" : "polling";
}

std::string remote_of(const sio::socket& s) {
  const auto& r = s.session().remote();
  return r.address().to_string() + ":" + std::to_string(r.port());
}

sio::connect_error refusal(std::error_code ec, const sio::socket& s) {
  return sio::connect_error{
      .message = ec.message(),
      .data = json::object{{"code", code_name(ec)}, {"correlationId", s.correlation_id()}},
  };
}

void log_refusal(const sio::socket& s, std::error_code ec) {
  log::warn("connection refused", {{"code", code_name(ec)},
                                   {"reason", ec.message()},
                                   {"nsp", s.nsp()},
                                   {"transport", transport_name(s)},
                                   {"remote", remote_of(s)},
                                   {"correlation_id", s.correlation_id()}});
}

std::int64_t unix_ms(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

void admit(sio::socket& s, identity id, const sio::reserved_rooms& user_rooms) {
  json::object& data = s.data();
  data[user_id_key] = id.user_id;
  data[auth_kind_key] = id.source == identity::kind::jwt ? "jwt" : "session";
  if (!id.claims.empty()) data[claims_key] = std::move(id.claims);
  if (id.expires_at) data[expires_at_key] = unix_ms(*id.expires_at);
  user_rooms.join(s, id.user_id);
}

// Ends the socket's namespace connection when its credentials expire.
void disconnect_at_expiry(sio::socket& s) {
  const auto* expires = s.data().if_contains(expires_at_key);
  if (!expires || !expires->is_int64()) return;
  const auto at = std::chrono::system_clock::time_point(std::chrono::milliseconds(expires->get_int64()));
  auto timer = std::make_shared<boost::asio::steady_timer>(s.executor(), at - std::chrono::system_clock::now());
  timer->async_wait([weak = std::weak_ptr<sio::socket>(s.shared_from_this())](boost::system::error_code ec) {
    auto socket = weak.lock();
    if (ec || !socket || !socket->connected()) return;
    log::info("token expired, disconnecting", {{"user_id", user_id_of(*socket).value_or("-")},
                                                {"socket_id", socket->id()},
                                                {"correlation_id", socket->correlation_id()}});
    socket->disconnect();
  });
  s.on_disconnect([timer](sio::socket&, std::string_view) { timer->cancel(); });
}

}  // namespace

sio::reserved_rooms protect(sio::server& server, std::shared_ptr<const authenticator> auth, guard_options options) {
  auto opts = std::make_shared<const guard_options>(std::move(options));
  const sio::reserved_rooms user_rooms = server.reserve_rooms(opts->user_room_prefix);

  server.use([auth, opts, user_rooms](sio::socket& s, sio::next_fn next) {
    if (opts->is_public && opts->is_public(s.nsp())) return next(std::nullopt);
    std::string token;
    if (const auto ec = auth->find_token(s.auth(), s.session().handshake(), token)) {
      log_refusal(s, ec);
      if (opts->on_attempt) opts->on_attempt(code_name(ec));
      return next(refusal(ec, s));
    }
    // The answer may come from a worker thread: the socket is touched on its own shard only.
    auth->verify(std::move(token), [socket = s.shared_from_this(), next, user_rooms, opts](std::error_code ec, identity id) {
      boost::asio::dispatch(socket->executor(), [socket, next, user_rooms, opts, ec, id = std::move(id)]() mutable {
        if (opts->on_attempt) opts->on_attempt(ec ? code_name(ec) : "accepted");
        if (ec) {
          log_refusal(*socket, ec);
          return next(refusal(ec, *socket));
        }
        admit(*socket, std::move(id), user_rooms);
        next(std::nullopt);
      });
    });
  });

  server.on_connection([opts](sio::socket& s) {
    log::info("connected", {{"user_id", user_id_of(s).value_or("-")},
                            {"socket_id", s.id()},
                            {"nsp", s.nsp()},
                            {"transport", transport_name(s)},
                            {"remote", remote_of(s)},
                            {"correlation_id", s.correlation_id()}});
    s.on_disconnect([](sio::socket& gone, std::string_view reason) {
      log::info("disconnected", {{"user_id", user_id_of(gone).value_or("-")},
                                 {"socket_id", gone.id()},
                                 {"nsp", gone.nsp()},
                                 {"reason", reason},
                                 {"correlation_id", gone.correlation_id()}});
    });
    if (opts->disconnect_on_expiry) disconnect_at_expiry(s);
  });
  return user_rooms;
}

std::optional<std::string> user_id_of(const sio::socket& s) {
  const auto* id = s.data().if_contains(user_id_key);
  if (!id || !id->is_string()) return std::nullopt;
  return std::string(id->get_string());
}

}  // namespace switchboard::auth
