#include "switchboard/auth/guard.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/execution/context.hpp>
#include <boost/asio/query.hpp>
#include <algorithm>
#include <deque>
#include <mutex>
#include <set>
#include <unordered_map>

#include "switchboard/auth/authenticator.hpp"
#include "switchboard/auth/error.hpp"
#include "switchboard/http/deadline_queue.hpp"
#include "switchboard/log/log.hpp"
#include "switchboard/sio/server.hpp"

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

// Not sampled: one record per connection attempt is the audit trail, and attempts are bounded
// by the engine's per-address handshake rate.
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

sio::arguments access_ended(std::string_view reason, std::string_view correlation_id) {
  sio::arguments args;
  json::object body{{"reason", reason}};
  if (!correlation_id.empty()) body["correlationId"] = correlation_id;
  args.values.push_back(std::move(body));
  return args;
}

}  // namespace

struct guard::state {
  state(sio::server& s, guard_options o)
      : server(s),
        opts(std::move(o)),
        user_rooms(s.reserve_rooms(opts.user_room_prefix)),
        session_rooms(s.reserve_rooms(opts.session_room_prefix)) {}

  sio::server& server;
  const guard_options opts;
  const sio::reserved_rooms user_rooms;
  const sio::reserved_rooms session_rooms;

  // Touched on connect and on revocation only, never per message.
  std::mutex mutex;
  std::set<std::string> namespaces;  // where authenticated sockets have connected
  // Sessions revoked lately, for sockets admitted while their revocation was being applied.
  std::deque<std::pair<std::chrono::steady_clock::time_point, std::string>> revoked;
  static constexpr std::chrono::minutes revoked_memory{1};
  static constexpr std::size_t max_revoked = 10'000;
  // The sockets that disconnect when their credential expires, a queue per shard (by its
  // execution context).
  using expiries = http::deadline_queue<sio::socket, std::chrono::system_clock>;
  std::unordered_map<const void*, std::shared_ptr<expiries>> expiry_queues;

  void admit(sio::socket& s, identity id) {
    json::object& data = s.data();
    data[user_id_key] = id.user_id;
    data[auth_kind_key] = id.source == identity::kind::jwt ? "jwt" : "session";
    if (!id.claims.empty()) data[claims_key] = std::move(id.claims);
    if (id.expires_at) data[expires_at_key] = unix_ms(*id.expires_at);
    if (!id.session_id.empty()) {
      data[session_id_key] = id.session_id;
      session_rooms.join(s, id.session_id);
    }
    user_rooms.join(s, id.user_id);
  }

  // Remembers the namespace; true when the socket's session was revoked while it was admitted.
  bool connected(const sio::socket& s) {
    const auto* session = s.data().if_contains(session_id_key);
    std::lock_guard lock(mutex);
    namespaces.insert(s.nsp());
    if (!session || !session->is_string()) return false;
    forget_old_revocations();
    return std::any_of(revoked.begin(), revoked.end(), [&](const auto& r) { return r.second == session->get_string(); });
  }

  void forget_old_revocations() {
    const auto horizon = std::chrono::steady_clock::now() - revoked_memory;
    while (!revoked.empty() && (revoked.front().first < horizon || revoked.size() > max_revoked)) revoked.pop_front();
  }

  // Tells the socket why, then disconnects it.
  void end(sio::socket& s, std::string_view reason) {
    log::info(reason == "token_expired" ? "token expired, disconnecting" : "session revoked, disconnecting",
              {{"user_id", user_id_of(s).value_or("-")},
                                                 {"socket_id", s.id()},
                                                 {"correlation_id", s.correlation_id()}});
    if (opts.on_ended) opts.on_ended(reason);
    s.emit(access_ended_event, access_ended(reason, s.correlation_id()));
    s.disconnect();
  }

  // Ends the socket's namespace connection when its credentials expire.
  void disconnect_at_expiry(sio::socket& s, const std::shared_ptr<state>& self) {
    const auto* expires = s.data().if_contains(expires_at_key);
    if (!expires || !expires->is_int64()) return;
    const auto at = std::chrono::system_clock::time_point(std::chrono::milliseconds(expires->get_int64()));
    std::shared_ptr<expiries> queue;
    {
      const auto executor = s.executor();
      std::lock_guard lock(mutex);
      auto& slot = expiry_queues[&boost::asio::query(executor, boost::asio::execution::context)];
      // The queue's handler names the state weakly: the state owns the queue.
      if (!slot) {
        slot = std::make_shared<expiries>(executor, [weak = std::weak_ptr<state>(self)](sio::socket& expired) {
          if (auto st = weak.lock(); st && expired.connected()) st->end(expired, "token_expired");
        });
      }
      queue = slot;
    }
    const auto key = queue->add(at, s.shared_from_this());
    s.on_disconnect([weak = std::weak_ptr<expiries>(queue), key](sio::socket&, std::string_view) {
      if (auto q = weak.lock()) q->remove(key);
    });
  }
};

const sio::reserved_rooms& guard::user_rooms() const noexcept { return state_->user_rooms; }

void guard::end_sessions(const std::vector<std::string>& session_ids) const {
  if (session_ids.empty()) return;
  std::set<std::string> namespaces;
  {
    std::lock_guard lock(state_->mutex);
    const auto now = std::chrono::steady_clock::now();
    for (const auto& id : session_ids) state_->revoked.emplace_back(now, id);
    state_->forget_old_revocations();
    namespaces = state_->namespaces;
  }
  for (const auto& id : session_ids) {
    log::info("session revoked, disconnecting its sockets", {{"session", id.substr(0, 8)}});
    if (state_->opts.on_ended) state_->opts.on_ended("token_revoked");
    for (const auto& name : namespaces) {
      const auto nsp = state_->server.find(name);
      if (!nsp) continue;
      // Both go to each shard in this order: the reason arrives before the disconnect.
      const auto sockets = nsp->to(state_->session_rooms.room(id)).local();
      sockets.emit(access_ended_event, access_ended("token_revoked", {}));
      sockets.disconnect_sockets();
    }
  }
}

guard protect(sio::server& server, std::shared_ptr<const authenticator> auth, guard_options options) {
  auto st = std::make_shared<guard::state>(server, std::move(options));

  // The server keeps the state through its hooks; the state names the server by reference only.
  server.use_in_every_namespace([auth, st](sio::socket& s, sio::next_fn next) {
    if (st->opts.is_public && st->opts.is_public(s.nsp())) return next(std::nullopt);
    std::string token;
    if (const auto ec = auth->find_token(s.auth(), s.session().handshake(), token)) {
      log_refusal(s, ec);
      if (st->opts.on_attempt) st->opts.on_attempt(code_name(ec));
      return next(refusal(ec, s));
    }
    // The answer may come from a worker thread: the socket is touched on its own shard only.
    auth->verify(std::move(token), [socket = s.shared_from_this(), next, st](std::error_code ec, identity id) {
      boost::asio::dispatch(socket->executor(), [socket, next, st, ec, id = std::move(id)]() mutable {
        if (st->opts.on_attempt) st->opts.on_attempt(ec ? code_name(ec) : "accepted");
        if (ec) {
          log_refusal(*socket, ec);
          return next(refusal(ec, *socket));
        }
        st->admit(*socket, std::move(id));
        next(std::nullopt);
      });
    });
  });

  server.on_connection([st](sio::socket& s) {
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
    if (st->connected(s)) return st->end(s, "token_revoked");
    if (st->opts.disconnect_on_expiry) st->disconnect_at_expiry(s, st);
  });
  return guard(std::move(st));
}

std::optional<std::string> user_id_of(const sio::socket& s) {
  const auto* id = s.data().if_contains(user_id_key);
  if (!id || !id->is_string()) return std::nullopt;
  return std::string(id->get_string());
}

}  // namespace switchboard::auth
