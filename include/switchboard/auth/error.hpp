#pragma once
// Why a connection was not authenticated. Each code has a stable snake_case name that clients
// receive in connect_error's data ({"code": "token_expired", ...}).
#include <string_view>
#include <system_error>

namespace switchboard::auth {

enum class errc {
  token_missing = 1,
  token_malformed,         // not a JWT nor a session token, bad base64url or JSON, a `crit` header
  token_too_large,
  token_in_query_refused,  // only the query string had a token, and that source is off
  token_expired,
  token_not_yet_valid,
  signature_invalid,
  algorithm_not_allowed,   // `none`, unknown, or not bound to the key that would verify it
  key_unknown,             // the `kid` names no configured key
  audience_invalid,
  issuer_invalid,
  user_id_missing,         // no usable user id: absent, empty, not a string/integer, too long, control characters
  session_unknown,
  session_revoked,
  session_expired,
  store_unavailable,       // the session store could not be asked (SQLite or Redis error)
};

const std::error_category& auth_category() noexcept;
inline std::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), auth_category()}; }

// "token_expired" for errc::token_expired; "internal_error" for a code of another category.
std::string_view code_name(std::error_code ec) noexcept;

}  // namespace switchboard::auth

template <>
struct std::is_error_code_enum<switchboard::auth::errc> : std::true_type {};
