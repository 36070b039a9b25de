#include "switchboard/auth/error.hpp"

#include <string>

namespace switchboard::auth {
namespace {

struct description {
  std::string_view name;
  std::string_view message;
};

description describe(errc e) noexcept {
  switch (e) {
    case errc::token_missing: return {"token_missing", "no token: send auth {token}, an Authorization header or the session cookie"};
    case errc::token_malformed: return {"token_malformed", "the token is neither a well-formed JWT nor a session token"};
    case errc::token_too_large: return {"token_too_large", "the token is larger than the configured limit"};
    case errc::token_in_query_refused: return {"token_in_query_refused", "tokens in the query string are not accepted"};
    case errc::token_expired: return {"token_expired", "the token has expired"};
    case errc::token_not_yet_valid: return {"token_not_yet_valid", "the token is not valid yet (nbf)"};
    case errc::signature_invalid: return {"signature_invalid", "the token's signature does not verify"};
    case errc::algorithm_not_allowed: return {"algorithm_not_allowed", "the token's algorithm is not allowed"};
    case errc::key_unknown: return {"key_unknown", "the token's key id (kid) names no configured key"};
    case errc::audience_invalid: return {"audience_invalid", "the token's audience (aud) is not accepted"};
    case errc::issuer_invalid: return {"issuer_invalid", "the token's issuer (iss) is not accepted"};
    case errc::user_id_missing: return {"user_id_missing", "the token carries no usable user id (absent, empty, over 256 bytes or with control characters)"};
    case errc::session_unknown: return {"session_unknown", "no such session"};
    case errc::session_revoked: return {"session_revoked", "the session was revoked"};
    case errc::session_expired: return {"session_expired", "the session has expired"};
    case errc::store_unavailable: return {"store_unavailable", "the session store is unavailable"};
  }
  return {"internal_error", "unknown authentication error"};
}

class auth_error_category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "switchboard.auth"; }
  std::string message(int value) const override { return std::string(describe(static_cast<errc>(value)).message); }
};

}  // namespace

const std::error_category& auth_category() noexcept {
  static const auth_error_category category;
  return category;
}

std::string_view code_name(std::error_code ec) noexcept {
  if (ec.category() != auth_category()) return "internal_error";
  return describe(static_cast<errc>(ec.value())).name;
}

}  // namespace switchboard::auth
