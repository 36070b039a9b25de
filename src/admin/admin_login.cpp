#include "admin_login.hpp"

#include <openssl/crypto.h>

#include <boost/asio/post.hpp>

#include "bcrypt.hpp"

namespace switchboard::admin::detail {

namespace json = boost::json;

// Shared with the checks in flight, which may outlive the instrumentation.
struct admin_login::state {
  state(const options& opts, boost::asio::any_io_executor w)
      : username(opts.username), password_hash(opts.password_hash), max_pending(opts.max_pending_logins),
        sessions(opts.max_sessions, opts.session_ttl), workers(std::move(w)) {}

  const std::string username;
  const std::string password_hash;
  const std::size_t max_pending;
  login_sessions sessions;
  boost::asio::any_io_executor workers;
  std::atomic<std::size_t> pending{0};
  std::atomic<std::uint64_t> logins{0}, refused{0}, busy{0};

  bool user_matches(std::string_view name) const {
    return name.size() == username.size() && CRYPTO_memcmp(name.data(), username.data(), name.size()) == 0;
  }
  void refuse(const sio::next_fn& next) {
    refused.fetch_add(1, std::memory_order_relaxed);
    next(sio::connect_error{"invalid credentials"});
  }
};

admin_login::admin_login(const options& opts, boost::asio::any_io_executor workers)
    : state_(std::make_shared<state>(opts, std::move(workers))), username_(opts.username) {}

namespace {

const json::string* string_member(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? &v->get_string() : nullptr;
}

}  // namespace

sio::middleware admin_login::middleware() {
  return [st = state_](sio::socket& s, sio::next_fn next) {
    const json::object& auth = s.auth();
    if (const auto* session = string_member(auth, "sessionId"); session && st->sessions.valid(std::string(*session))) {
      st->logins.fetch_add(1, std::memory_order_relaxed);
      return next(std::nullopt);
    }
    const auto* user = string_member(auth, "username");
    const auto* password = string_member(auth, "password");
    if (!user || !password) return st->refuse(next);
    if (st->pending.fetch_add(1, std::memory_order_relaxed) >= st->max_pending) {
      st->pending.fetch_sub(1, std::memory_order_relaxed);
      st->busy.fetch_add(1, std::memory_order_relaxed);
      return next(sio::connect_error{"too many login attempts"});
    }
    // The check blocks for tens of milliseconds: on a worker; the answer comes back to the shard.
    boost::asio::post(st->workers, [st, socket = s.shared_from_this(), next = std::move(next), name = std::string(*user),
                                    phrase = std::string(*password)]() mutable {
      // Both checks run whatever the first says, so that the time does not tell a wrong name.
      const bool password_ok = bcrypt_matches(phrase, st->password_hash);
      const bool ok = st->user_matches(name) && password_ok;
      st->pending.fetch_sub(1, std::memory_order_relaxed);
      if (!ok) return st->refuse(next);
      auto executor = socket->executor();
      boost::asio::post(executor, [st, socket = std::move(socket), next = std::move(next)] {
        socket->data()["_admin_session"] = st->sessions.open();
        st->logins.fetch_add(1, std::memory_order_relaxed);
        next(std::nullopt);
      });
    });
  };
}

admin::counters admin_login::counters() const {
  admin::counters c;
  c.logins = state_->logins.load(std::memory_order_relaxed);
  c.refused_logins = state_->refused.load(std::memory_order_relaxed);
  c.busy_logins = state_->busy.load(std::memory_order_relaxed);
  return c;
}

}  // namespace switchboard::admin::detail
