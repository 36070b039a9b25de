#pragma once
/// @file
/// Finds a connection's token and verifies it: a JWT at once, a session token against the store
/// on the worker pool. Thread-safe once constructed.
#include <boost/asio/any_io_executor.hpp>
#include <boost/json/object.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "switchboard/auth/jwt.hpp"
#include "switchboard/auth/session_store.hpp"
#include "switchboard/engine/handshake_request.hpp"

namespace switchboard::auth {

/// Where a token may come from, tried in this order.
struct token_sources {
  std::string auth_field = "token";  ///< The CONNECT packet's auth object: io({auth: {token}}).
  bool authorization_header = true;  ///< `Authorization: Bearer <token>` on the handshake request.
  std::string cookie;                ///< The name of a session cookie; empty: cookies are not read.
  bool query = false;                ///< `?<query_param>=<token>`: off, as it ends up in access logs.
  std::string query_param = "token";  ///< The query parameter read when `query` is on.
};

/// Who a verified token names.
struct identity {
  /// What kind of token it was: a JWT or a session token.
  enum class kind { jwt, session };
  kind source = kind::jwt;  ///< The kind of token.
  std::string user_id;  ///< The user id (usable_user_id()).
  boost::json::object claims;  ///< A JWT's; empty for a session.
  std::optional<std::chrono::system_clock::time_point> expires_at;  ///< When the token or session expires, if known.
  std::string session_id;  ///< A session token's store id (its revocation names it); empty for a JWT.
};

/// How tokens are verified.
struct authenticator_options {
  token_sources sources;  ///< Where tokens are looked for.
  std::optional<jwt::verifier> jwt;         ///< Unset: JWTs are refused (algorithm_not_allowed).
  std::shared_ptr<session_store> sessions;  ///< Unset: session tokens are refused (session_unknown).
  boost::asio::any_io_executor workers;     ///< Runs the blocking session lookups; required with sessions.
};

/// Whether `id` may be a user id. User ids name rooms and appear in logs: 1 to 256 bytes, no
/// control characters.
bool usable_user_id(std::string_view id) noexcept;

/// Finds a connection's token and verifies it. The guard (protect()) uses one; it is usable
/// alone too. Thread-safe once constructed.
class authenticator {
 public:
  /// Throws std::invalid_argument when `options` has a session store but no workers.
  explicit authenticator(authenticator_options options);

  /// The token of a connection, from the first source that has one. errc::token_missing,
  /// errc::token_in_query_refused (the query alone had one), errc::token_malformed (not a string).
  std::error_code find_token(const boost::json::object& auth, const engine::handshake_request& handshake,
                             std::string& token) const;

  /// Told the outcome of verify(): an error, or the identity.
  using callback = std::function<void(std::error_code, identity)>;
  /// Verifies `token`. `done` runs once: at once on this thread for a JWT, on a worker for a
  /// session token.
  void verify(std::string token, callback done) const;

  /// Where tokens are looked for.
  const token_sources& sources() const noexcept { return options_.sources; }

 private:
  void verify_session(std::string token, callback done) const;

  authenticator_options options_;
};

}  // namespace switchboard::auth
