#pragma once
// Puts an authenticator in front of a Socket.IO server: no socket exists until its token is
// verified, each one joins the room of its user in every namespace, and its connection,
// refusal and disconnection are logged with the attempt's correlation id (never the token).
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "switchboard/auth/authenticator.hpp"
#include "switchboard/sio/server.hpp"

namespace switchboard::auth {

struct guard_options {
  // Namespaces that opt out of authentication; unset: every namespace requires a token.
  std::function<bool(std::string_view nsp)> is_public;
  // Disconnect a socket when its token (or session) expires.
  bool disconnect_on_expiry = false;
  std::string user_room_prefix = "user:";
  // Told the outcome of every connection attempt that needed a token: "accepted" or the refusal
  // code ("token_expired"...), on the socket's shard. For metrics.
  std::function<void(std::string_view outcome)> on_attempt;
};

// What the guard writes in socket.data() of an authenticated socket.
inline constexpr std::string_view user_id_key = "userId";
inline constexpr std::string_view claims_key = "claims";          // a JWT's claims
inline constexpr std::string_view auth_kind_key = "authKind";     // "jwt" or "session"
inline constexpr std::string_view expires_at_key = "expiresAt";   // Unix milliseconds, when known

// Installs the guard on `server` (server-wide middleware and connection handler) and reserves
// the user room prefix. Call once, before clients connect and before other middleware.
// Returns the capability to enter user rooms, for whoever else must (none in the server).
sio::reserved_rooms protect(sio::server& server, std::shared_ptr<const authenticator> auth, guard_options options = {});

// The user id the guard verified for `s`, if any.
std::optional<std::string> user_id_of(const sio::socket& s);

}  // namespace switchboard::auth
