// JWS compact tokens (RFC 7515 §7.1) carrying JWT claims (RFC 7519 §4.1), checked in a fixed
// order: size, structure and decoding, algorithm, key, signature, then the claims.
#include <algorithm>
#include <boost/json/parse.hpp>
#include <cmath>
#include <cstdint>
#include <new>
#include <optional>
#include <string>

#include "jwt_crypto.hpp"
#include "switchboard/auth/error.hpp"
#include "switchboard/wire/base64.hpp"

namespace switchboard::auth::jwt {
namespace {

namespace json = boost::json;
using sys_clock = std::chrono::system_clock;

// Deep enough for any real claim set, shallow enough that hostile nesting costs nothing.
constexpr std::size_t max_json_depth = 32;

struct segments {
  std::string_view header;
  std::string_view payload;
  std::string_view signature;
  std::string_view signing_input;  // header.payload
};

std::optional<segments> split(std::string_view token) noexcept {
  const std::size_t first = token.find('.');
  if (first == std::string_view::npos) return std::nullopt;
  const std::size_t second = token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  return segments{.header = token.substr(0, first),
                  .payload = token.substr(first + 1, second - first - 1),
                  .signature = token.substr(second + 1),
                  .signing_input = token.substr(0, second)};
}

// The JSON object that `segment` encodes in base64url, or nullopt.
std::optional<json::object> decode_object(std::string_view segment) {
  std::string text;
  if (wire::decode_base64url(segment, text)) return std::nullopt;
  json::parse_options options;
  options.max_depth = max_json_depth;
  boost::system::error_code ec;
  json::value value = json::parse(text, ec, {}, options);
  if (ec || !value.is_object()) return std::nullopt;
  return std::move(value.get_object());
}

// A NumericDate claim (RFC 7519 §2) in seconds: nullopt when absent, false when not a number.
bool numeric_date(const json::object& claims, std::string_view name, std::optional<double>& out) {
  const json::value* v = claims.if_contains(name);
  if (v == nullptr) return true;
  if (v->is_int64()) {
    out = static_cast<double>(v->get_int64());
  } else if (v->is_uint64()) {
    out = static_cast<double>(v->get_uint64());
  } else if (v->is_double() && std::isfinite(v->get_double())) {
    out = v->get_double();
  } else {
    return false;
  }
  return true;
}

sys_clock::time_point to_time_point(double seconds) {
  // Clamped to whole seconds within the clock's range: converting a double beyond it is undefined.
  const double limit = std::floor(std::chrono::duration<double>(sys_clock::duration::max()).count());
  if (seconds >= limit) return sys_clock::time_point::max();
  if (seconds <= -limit) return sys_clock::time_point::min();
  // Whole seconds apart from the fraction, which alone would lose precision in nanoseconds.
  const double whole = std::floor(seconds);
  return sys_clock::time_point(std::chrono::seconds(static_cast<std::int64_t>(whole))) +
         std::chrono::duration_cast<sys_clock::duration>(std::chrono::duration<double>(seconds - whole));
}

bool audience_matches(const json::value* aud, std::string_view expected) {
  if (aud == nullptr) return false;
  if (aud->is_string()) return aud->get_string() == expected;
  if (!aud->is_array()) return false;
  return std::ranges::any_of(aud->get_array(),
                             [&](const json::value& v) { return v.is_string() && v.get_string() == expected; });
}

// A non-empty string, or an integer written as its decimal text.
std::optional<std::string> user_id_of(const json::value* v) {
  if (v == nullptr) return std::nullopt;
  if (v->is_string() && !v->get_string().empty()) return std::string(v->get_string());
  if (v->is_int64()) return std::to_string(v->get_int64());
  if (v->is_uint64()) return std::to_string(v->get_uint64());
  return std::nullopt;
}

std::error_code check_signature(const std::vector<key>& keys, algorithm alg, const json::value* kid,
                                std::string_view signing_input, std::string_view signature) {
  if (std::ranges::none_of(keys, [&](const key& k) { return k.allows(alg); })) {
    return errc::algorithm_not_allowed;
  }
  bool kid_known = false;
  bool tried = false;
  for (const key& k : keys) {
    if (kid != nullptr && k.kid() != kid->get_string()) continue;
    kid_known = true;
    if (!k.allows(alg)) continue;
    tried = true;
    if (detail::verify(alg, k.get().secret, k.get().pkey.get(), signing_input, signature)) return {};
  }
  if (!kid_known) return errc::key_unknown;
  if (!tried) return errc::algorithm_not_allowed;  // the named key is bound to other algorithms
  return errc::signature_invalid;
}

std::error_code verify_token(const std::vector<key>& keys, const verify_options& options, std::string_view token,
                             verified_token& out, sys_clock::time_point now) {
  if (token.size() > options.max_token_size) return errc::token_too_large;

  const std::optional<segments> parts = split(token);
  if (!parts) return errc::token_malformed;
  std::optional<json::object> header = decode_object(parts->header);
  std::optional<json::object> claims = decode_object(parts->payload);
  std::string signature;
  if (!header || !claims || wire::decode_base64url(parts->signature, signature)) return errc::token_malformed;
  const json::value* alg_name = header->if_contains("alg");
  const json::value* kid = header->if_contains("kid");
  // No extension is understood, so any `crit` makes the token unusable (RFC 7515 §4.1.11).
  if (alg_name == nullptr || !alg_name->is_string() || header->contains("crit") ||
      (kid != nullptr && !kid->is_string())) {
    return errc::token_malformed;
  }
  if (kid != nullptr && kid->get_string().empty()) kid = nullptr;  // an empty kid counts as none

  const std::optional<algorithm> alg = parse_algorithm(alg_name->get_string());
  if (!alg) return errc::algorithm_not_allowed;
  if (const std::error_code ec = check_signature(keys, *alg, kid, parts->signing_input, signature)) return ec;

  std::optional<double> exp;
  std::optional<double> nbf;
  if (!numeric_date(*claims, "exp", exp) || !numeric_date(*claims, "nbf", nbf)) return errc::token_malformed;
  const double now_s = std::chrono::duration<double>(now.time_since_epoch()).count();
  const auto leeway = static_cast<double>(options.leeway.count());
  if (exp && now_s >= *exp + leeway) return errc::token_expired;
  if (nbf && now_s + leeway < *nbf) return errc::token_not_yet_valid;
  if (options.issuer) {
    const json::value* iss = claims->if_contains("iss");
    if (iss == nullptr || !iss->is_string() || iss->get_string() != *options.issuer) return errc::issuer_invalid;
  }
  if (options.audience && !audience_matches(claims->if_contains("aud"), *options.audience)) {
    return errc::audience_invalid;
  }
  std::optional<std::string> user_id = user_id_of(claims->if_contains(options.user_id_claim));
  if (!user_id) return errc::user_id_missing;

  out.user_id = std::move(*user_id);
  out.claims = std::move(*claims);
  out.expires_at.reset();
  // The end of acceptance, not `exp`: a token admitted within the leeway must not be ended at once.
  if (exp) out.expires_at = to_time_point(*exp + leeway);
  return {};
}

}  // namespace

verifier::verifier(std::vector<key> keys, verify_options options)
    : keys_(std::move(keys)), options_(std::move(options)) {}

std::error_code verifier::verify(std::string_view token, verified_token& out, sys_clock::time_point now) const {
  try {
    return verify_token(keys_, options_, token, out, now);
  } catch (const std::bad_alloc&) {
    return std::make_error_code(std::errc::not_enough_memory);
  }
}

}  // namespace switchboard::auth::jwt
