#pragma once
// The admin namespace's login, as the reference's basic authentication: a session id the UI got
// earlier, or the user name and a password checked against the bcrypt hash on a worker thread.
// Refusals are "invalid credentials" (what the UI shows), or "too many login attempts" when
// max_pending_logins checks are already waiting.
#include <atomic>
#include <boost/asio/any_io_executor.hpp>

#include "login_sessions.hpp"
#include "switchboard/admin/instrument.hpp"

namespace switchboard::admin::detail {

class admin_login {
 public:
  admin_login(const options& opts, boost::asio::any_io_executor workers);

  // Whether a login is asked for at all (a user name is configured).
  bool required() const noexcept { return !username_.empty(); }
  // The middleware of the admin namespace. On a password login the new session id is left in
  // socket.data()["_admin_session"] for the connection handler to send.
  sio::middleware middleware();
  // logins, refused_logins and busy_logins.
  admin::counters counters() const;

 private:
  struct state;
  std::shared_ptr<state> state_;
  std::string username_;
};

}  // namespace switchboard::admin::detail
