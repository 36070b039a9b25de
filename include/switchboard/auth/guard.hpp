#pragma once
// Puts an authenticator in front of a Socket.IO server: no socket exists until its token is
// verified, each one joins the room of its user in every namespace, and its connection,
// refusal and disconnection are logged with the attempt's correlation id (never the token).
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "switchboard/auth/authenticator.hpp"
#include "switchboard/sio/server.hpp"

namespace switchboard::auth {

struct guard_options {
  // Namespaces that opt out of authentication; unset: every namespace requires a token.
  std::function<bool(std::string_view nsp)> is_public;
  // Disconnect a socket when its token (or session) expires: access ends with the credential.
  bool disconnect_on_expiry = true;
  std::string user_room_prefix = "user:";
  // A session token's sockets are in "<prefix><session id>" (reserved), which revocation empties.
  std::string session_room_prefix = "session:";
  // Told the outcome of every connection attempt that needed a token: "accepted" or the refusal
  // code ("token_expired"...), on the socket's shard. For metrics.
  std::function<void(std::string_view outcome)> on_attempt;
  // Told each socket the guard ends, with the reason ("token_expired", "token_revoked"). For metrics.
  std::function<void(std::string_view reason)> on_ended;
};

// The event a socket gets just before the guard disconnects it, {reason, correlationId}: a
// Socket.IO DISCONNECT packet carries no payload, so the client's disconnect event itself says
// only "io server disconnect".
inline constexpr std::string_view access_ended_event = "auth:ended";

// What the guard writes in socket.data() of an authenticated socket.
inline constexpr std::string_view user_id_key = "userId";
inline constexpr std::string_view claims_key = "claims";          // a JWT's claims
inline constexpr std::string_view auth_kind_key = "authKind";     // "jwt" or "session"
inline constexpr std::string_view expires_at_key = "expiresAt";   // Unix milliseconds, when known
inline constexpr std::string_view session_id_key = "sessionId";   // a session token's store id (not the token)

// The guard installed on one server. Thread-safe; valid while that server lives.
class guard {
 public:
  // The capability to enter user rooms, for whoever else must (none in the server).
  const sio::reserved_rooms& user_rooms() const noexcept;
  // Ends every socket authenticated by one of these sessions, in every namespace, on this node:
  // each gets access_ended_event {reason: "token_revoked"}, then a disconnect. A session whose
  // socket is still being admitted is ended as it arrives.
  void end_sessions(const std::vector<std::string>& session_ids) const;

  struct state;
  explicit guard(std::shared_ptr<state> s) : state_(std::move(s)) {}

 private:
  std::shared_ptr<state> state_;
};

// Installs the guard on `server` (server-wide middleware and connection handler) and reserves
// the user and session room prefixes. Call once, before clients connect and before other middleware.
guard protect(sio::server& server, std::shared_ptr<const authenticator> auth, guard_options options = {});

// The user id the guard verified for `s`, if any.
std::optional<std::string> user_id_of(const sio::socket& s);

}  // namespace switchboard::auth
