#pragma once
/// @file
/// Puts an authenticator in front of a Socket.IO server: no socket exists until its token is
/// verified, each one joins the room of its user in every namespace, and its connection,
/// refusal and disconnection are logged with the attempt's correlation id (never the token).
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "switchboard/sio/reserved_rooms.hpp"

// Declared only, so that module code reading a socket's user stays clear of the HTTP headers:
// protect()'s callers include sio/server.hpp and auth/authenticator.hpp.
namespace switchboard::sio {
class server;
class socket;
}  // namespace switchboard::sio
namespace switchboard::auth {
class authenticator;
}  // namespace switchboard::auth

/// Authentication: JWTs and opaque session tokens, session stores, and the guard that admits
/// only verified sockets to a Socket.IO server.
namespace switchboard::auth {

/// How the guard treats namespaces and sockets.
struct guard_options {
  /// Namespaces that opt out of authentication; unset: every namespace requires a token.
  std::function<bool(std::string_view nsp)> is_public;
  /// Disconnect a socket when its token (or session) expires: access ends with the credential.
  bool disconnect_on_expiry = true;
  /// The reserved prefix of user rooms: a user's sockets are in `<prefix><user id>`.
  std::string user_room_prefix = "user:";
  /// A session token's sockets are in `<prefix><session id>` (reserved), which revocation empties.
  std::string session_room_prefix = "session:";
  /// Told the outcome of every connection attempt that needed a token: "accepted" or the refusal
  /// code ("token_expired"...), on the socket's shard. For metrics.
  std::function<void(std::string_view outcome)> on_attempt;
  /// Told why the guard ended access, for metrics: "token_expired" for each socket disconnected
  /// at its expiry (on its shard), "token_revoked" for each socket admitted after its session was
  /// revoked (on its shard) and once per session that guard::end_sessions() ends (on the caller's
  /// thread, whatever the number of its sockets).
  std::function<void(std::string_view reason)> on_ended;
};

/// The event a socket gets just before the guard disconnects it, {reason, correlationId}: a
/// Socket.IO DISCONNECT packet carries no payload, so the client's disconnect event itself says
/// only "io server disconnect".
inline constexpr std::string_view access_ended_event = "auth:ended";

/// What the guard writes in socket.data() of an authenticated socket: the user id.
inline constexpr std::string_view user_id_key = "userId";
inline constexpr std::string_view claims_key = "claims";          ///< A JWT's claims.
inline constexpr std::string_view auth_kind_key = "authKind";     ///< "jwt" or "session".
inline constexpr std::string_view expires_at_key = "expiresAt";   ///< Unix milliseconds, when known.
inline constexpr std::string_view session_id_key = "sessionId";   ///< A session token's store id (not the token).

/// The guard installed on one server. Thread-safe; valid while that server lives.
class guard {
 public:
  /// The capability to enter user rooms, for whoever else must (none in the server).
  const sio::reserved_rooms& user_rooms() const noexcept;
  /// Ends every socket authenticated by one of these sessions, in every namespace, on this node:
  /// each gets access_ended_event {reason: "token_revoked"}, then a disconnect. A session whose
  /// socket is still being admitted is ended as it arrives. From any thread.
  void end_sessions(const std::vector<std::string>& session_ids) const;

  struct state;
  /// Made by protect().
  explicit guard(std::shared_ptr<state> s) : state_(std::move(s)) {}

 private:
  std::shared_ptr<state> state_;
};

/// Installs the guard on `server` (server-wide middleware and connection handler) and reserves
/// the user and session room prefixes. Call once, before clients connect and before other middleware.
/// @code
/// auto io = sio::server::attach(http_server, options);
/// auth::authenticator_options auth_options;
/// auth_options.jwt.emplace(std::vector<jwt::key>{jwt::key::shared_secret(secret)}, jwt::verify_options{});
/// auth::guard_options guard;
/// guard.is_public = [](std::string_view nsp) { return nsp == "/public"; };
/// auth::protect(*io, std::make_shared<const auth::authenticator>(std::move(auth_options)), guard);
/// @endcode
guard protect(sio::server& server, std::shared_ptr<const authenticator> auth, guard_options options = {});

/// The user id the guard verified for `s`, if any. On the socket's shard.
std::optional<std::string> user_id_of(const sio::socket& s);

}  // namespace switchboard::auth
