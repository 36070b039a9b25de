// Fuzzes the JWT verifier: never crash, never throw, answer only with auth codes. An input that
// holds a newline is "header JSON \n payload JSON", signed here with the HS256 key so that the
// checks behind the signature (claims, user id) are reached; any other input is a token as is.
// The keys are those of RFC 7515 A.1 to A.3 and RFC 8037, so the seed tokens verify.
#include <boost/json/parse.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "jwt_crypto.hpp"
#include "switchboard/auth/error.hpp"
#include "switchboard/auth/jwt.hpp"
#include "switchboard/wire/base64.hpp"

namespace {

namespace auth = switchboard::auth;
namespace jwt = switchboard::auth::jwt;
namespace json = boost::json;
using namespace std::chrono_literals;

// The keys of RFC 7515 A.1 (oct), A.2 (RSA), A.3 (EC) and RFC 8037 A.2 (OKP).
constexpr std::string_view hs256_k =
    "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow";
constexpr std::string_view rsa_n =
    "ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pC"
    "gNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg6"
    "65xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRW"
    "yuXpoQ";
constexpr std::string_view ec_and_okp_keys =
    R"({"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",)"
    R"("y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"},)"
    R"({"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"})";

// Before the RFC tokens' exp (1300819380).
const auto now = std::chrono::system_clock::time_point(1300819000s);

std::string hs256_secret() {
  std::string secret;
  switchboard::wire::decode_base64url(hs256_k, secret);
  return secret;
}

std::vector<jwt::key> keys() {
  std::vector<jwt::key> all = jwt::key::from_jwks(R"({"keys":[{"kty":"RSA","e":"AQAB","n":")" + std::string(rsa_n) +
                                                   R"("},)" + std::string(ec_and_okp_keys) + "]}");
  all.push_back(jwt::key::shared_secret(hs256_secret()));
  return all;
}

// The RFC payloads have no `sub`, so one verifier takes `iss` as the user id; the other checks
// every claim.
const jwt::verifier lenient(keys(), {.user_id_claim = "iss"});
const jwt::verifier strict(keys(), {.leeway = 30s, .issuer = "joe", .audience = "api", .max_token_size = 2048});

// Whether a token with this header, signed here, must pass the signature check: HS256, no
// `crit`, no `kid`.
bool names_the_hs256_key(std::string_view header) {
  boost::system::error_code ec;
  const json::value v = json::parse(header, ec);
  if (ec || !v.is_object()) return false;
  const json::object& o = v.get_object();
  const json::value* alg = o.if_contains("alg");
  const json::value* kid = o.if_contains("kid");
  return alg != nullptr && alg->is_string() && alg->get_string() == "HS256" && !o.contains("crit") &&
         (kid == nullptr || (kid->is_string() && kid->get_string().empty()));
}

// `by_hs256_key`: the token is HS256-signed with the configured key and names no other.
void check(const jwt::verifier& verifier, std::string_view token, bool by_hs256_key) {
  jwt::verified_token out;
  const std::error_code ec = verifier.verify(token, out, now);
  if (ec && ec.category() != auth::auth_category()) __builtin_trap();
  if (!ec && out.user_id.empty()) __builtin_trap();
  if (by_hs256_key &&
      (ec == auth::errc::signature_invalid || ec == auth::errc::algorithm_not_allowed ||
       ec == auth::errc::key_unknown)) {
    __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t newline = input.find('\n');
  if (newline == std::string_view::npos) {
    check(lenient, input, false);
    check(strict, input, false);
    return 0;
  }
  const std::string_view header = input.substr(0, newline);
  std::string token;
  switchboard::wire::append_base64url(header, token);
  token.push_back('.');
  switchboard::wire::append_base64url(input.substr(newline + 1), token);
  const std::string signature = jwt::detail::sign(jwt::algorithm::hs256, hs256_secret(), nullptr, token);
  token.push_back('.');
  switchboard::wire::append_base64url(signature, token);
  const bool by_hs256_key = names_the_hs256_key(header);
  check(lenient, token, by_hs256_key);
  check(strict, token, by_hs256_key);
  return 0;
}
