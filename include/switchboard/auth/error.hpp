#pragma once
/// @file
/// Why a connection was not authenticated. Each code has a stable snake_case name that clients
/// receive in connect_error's data ({"code": "token_expired", ...}).
#include <string_view>
#include <system_error>

namespace switchboard::auth {

/// Why a connection was not authenticated. A std::error_code enum; code_name() gives the name
/// clients receive.
enum class errc {
  token_missing = 1,  ///< No source had a token.
  token_malformed,         ///< Not a JWT nor a session token, bad base64url or JSON, a `crit` header.
  token_too_large,  ///< Over verify_options::max_token_size.
  token_in_query_refused,  ///< Only the query string had a token, and that source is off.
  token_expired,  ///< Past `exp` (with the leeway).
  token_not_yet_valid,  ///< Before `nbf` (with the leeway).
  signature_invalid,  ///< The signature does not verify.
  algorithm_not_allowed,   ///< `none`, unknown, or not bound to the key that would verify it.
  key_unknown,             ///< The `kid` names no configured key.
  audience_invalid,  ///< `aud` does not contain the expected audience.
  issuer_invalid,  ///< `iss` is not the expected issuer.
  user_id_missing,         ///< No usable user id: absent, empty, not a string/integer, too long, control characters.
  session_unknown,  ///< No such session in the store.
  session_revoked,  ///< The session was revoked.
  session_expired,  ///< The session has expired.
  store_unavailable,       ///< The session store could not be asked (SQLite or Redis error).
};

/// The category of errc values ("switchboard.auth").
const std::error_category& auth_category() noexcept;
/// Makes `e` a std::error_code of auth_category(); lets errc values convert to std::error_code.
inline std::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), auth_category()}; }

/// The code's stable name: "token_expired" for errc::token_expired; "internal_error" for a code
/// of another category.
std::string_view code_name(std::error_code ec) noexcept;

}  // namespace switchboard::auth

template <>
struct std::is_error_code_enum<switchboard::auth::errc> : std::true_type {};
