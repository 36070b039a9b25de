// JWT signing and verification: every algorithm, every failure code, the order of the checks.
#include "switchboard/auth/jwt.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <thread>
#include <vector>

#include "jwt_test_keys.hpp"
#include "switchboard/auth/error.hpp"

namespace jwt = switchboard::auth::jwt;
namespace json = boost::json;
using switchboard::auth::errc;
using jwt_test::b64url;
using jwt_test::unb64url;
using namespace std::chrono_literals;

namespace {

const auto now = std::chrono::system_clock::time_point(1'700'000'000s);
constexpr std::int64_t now_s = 1'700'000'000;
const std::string secret = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";  // 64 bytes

struct segments {
  std::string header, payload, signature;
};

segments split(const std::string& token) {
  const auto first = token.find('.');
  const auto second = token.find('.', first + 1);
  return {token.substr(0, first), token.substr(first + 1, second - first - 1), token.substr(second + 1)};
}

jwt::verifier hs256_verifier(jwt::verify_options options = {}) {
  return jwt::verifier({jwt::key::shared_secret(secret)}, std::move(options));
}

std::error_code verify(const jwt::verifier& v, std::string_view token) {
  jwt::verified_token out;
  return v.verify(token, out, now);
}

// A token with this payload text and a valid HS256 signature under `secret`.
std::string hs256(std::string_view payload, std::string_view header = R"({"alg":"HS256"})") {
  return jwt_test::hs256_token(header, payload, secret);
}

struct pair {
  jwt::signer signer;
  jwt::key key;
};

pair pair_for(jwt::algorithm alg, std::string kid = {}) {
  const auto& keys = jwt_test::keys();
  const jwt_test::key_pair* k = nullptr;
  switch (alg) {
    case jwt::algorithm::hs256:
    case jwt::algorithm::hs384:
    case jwt::algorithm::hs512:
      return {jwt::signer::shared_secret(secret, alg, kid), jwt::key::shared_secret(secret, {alg}, kid)};
    case jwt::algorithm::es256: k = &keys.p256; break;
    case jwt::algorithm::es384: k = &keys.p384; break;
    case jwt::algorithm::eddsa: k = &keys.ed25519; break;
    default: k = &keys.rsa_a;
  }
  return {jwt::signer::private_pem(k->private_pem, alg, kid), jwt::key::public_pem(k->public_pem, {alg}, kid)};
}

std::size_t signature_size(jwt::algorithm alg) {
  switch (alg) {
    case jwt::algorithm::hs256: return 32;
    case jwt::algorithm::hs384: return 48;
    case jwt::algorithm::es384: return 96;
    case jwt::algorithm::hs512:
    case jwt::algorithm::es256:
    case jwt::algorithm::eddsa: return 64;
    default: return 256;  // RSA 2048
  }
}

const json::object alice{{"sub", "alice"}, {"exp", now_s + 60}, {"role", "admin"}};

}  // namespace

TEST(jwt_algorithm, names_round_trip_and_none_is_not_an_algorithm) {
  for (const std::string_view name :
       {"HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA"}) {
    const auto alg = jwt::parse_algorithm(name);
    ASSERT_TRUE(alg) << name;
    EXPECT_EQ(jwt::algorithm_name(*alg), name);
    EXPECT_EQ(jwt::is_hmac(*alg), name.starts_with("HS")) << name;
  }
  for (const std::string_view name : {"none", "None", "NONE", "hs256", "HS256 ", "ES512", "Ed25519", ""}) {
    EXPECT_FALSE(jwt::parse_algorithm(name)) << name;
  }
}

class jwt_every_algorithm : public ::testing::TestWithParam<jwt::algorithm> {};

INSTANTIATE_TEST_SUITE_P(
    all, jwt_every_algorithm,
    ::testing::Values(jwt::algorithm::hs256, jwt::algorithm::hs384, jwt::algorithm::hs512, jwt::algorithm::rs256,
                      jwt::algorithm::rs384, jwt::algorithm::rs512, jwt::algorithm::ps256, jwt::algorithm::ps384,
                      jwt::algorithm::ps512, jwt::algorithm::es256, jwt::algorithm::es384, jwt::algorithm::eddsa),
    [](const auto& info) { return std::string(jwt::algorithm_name(info.param)); });

TEST_P(jwt_every_algorithm, signs_and_verifies) {
  const auto [signer, key] = pair_for(GetParam());
  const std::string token = signer.sign(alice);
  const segments parts = split(token);
  EXPECT_EQ(unb64url(parts.header), R"({"alg":")" + std::string(jwt::algorithm_name(GetParam())) + R"(","typ":"JWT"})");
  EXPECT_EQ(json::parse(unb64url(parts.payload)), alice);
  EXPECT_EQ(unb64url(parts.signature).size(), signature_size(GetParam()));

  jwt::verified_token out;
  ASSERT_EQ(jwt::verifier({key}, {}).verify(token, out, now), std::error_code{});
  EXPECT_EQ(out.user_id, "alice");
  EXPECT_EQ(out.claims, alice);
  EXPECT_EQ(out.expires_at, now + 60s);
}

TEST_P(jwt_every_algorithm, tampered_signature_is_refused) {
  const auto [signer, key] = pair_for(GetParam());
  const jwt::verifier verifier({key}, {});
  const segments parts = split(signer.sign(alice));
  const std::string signature = unb64url(parts.signature);
  for (const std::size_t at : {std::size_t{0}, signature.size() / 2, signature.size() - 1}) {
    std::string tampered = signature;
    tampered[at] = static_cast<char>(tampered[at] ^ 0x01);
    EXPECT_EQ(verify(verifier, parts.header + "." + parts.payload + "." + b64url(tampered)), errc::signature_invalid)
        << at;
  }
  EXPECT_EQ(verify(verifier, parts.header + "." + parts.payload + "." + b64url(signature.substr(1))),
            errc::signature_invalid);
  EXPECT_EQ(verify(verifier, parts.header + "." + parts.payload + "."), errc::signature_invalid);
}

// OpenSSL left-pads a short RSA signature, so one whose leading zero byte was cut would verify:
// one token in 256 would have two spellings. Signs until a signature starts with 0x00.
TEST(jwt_rsa, signature_shorter_than_the_modulus_is_refused) {
  for (const auto alg : {jwt::algorithm::rs256, jwt::algorithm::ps256}) {
    const auto [signer, key] = pair_for(alg);
    const jwt::verifier verifier({key}, {});
    bool found = false;
    for (int n = 0; n < 5000 && !found; ++n) {
      json::object claims = alice;
      claims["n"] = n;
      const segments parts = split(signer.sign(claims));
      const std::string signature = unb64url(parts.signature);
      if (signature.front() != '\0') continue;
      found = true;
      EXPECT_EQ(verify(verifier, parts.header + "." + parts.payload + "." + parts.signature), std::error_code());
      EXPECT_EQ(verify(verifier, parts.header + "." + parts.payload + "." + b64url(signature.substr(1))),
                errc::signature_invalid);
    }
    EXPECT_TRUE(found) << "no signature with a leading zero byte in 5000 tries";
  }
}

TEST_P(jwt_every_algorithm, tampered_payload_is_refused) {
  const auto [signer, key] = pair_for(GetParam());
  const jwt::verifier verifier({key}, {});
  const segments parts = split(signer.sign(alice));
  json::object mallory = alice;
  mallory["sub"] = "mallory";
  EXPECT_EQ(verify(verifier, parts.header + "." + b64url(json::serialize(mallory)) + "." + parts.signature),
            errc::signature_invalid);
}

TEST_P(jwt_every_algorithm, kid_goes_into_the_header) {
  const auto [signer, key] = pair_for(GetParam(), "key-1");
  const std::string token = signer.sign(alice);
  EXPECT_EQ(unb64url(split(token).header),
            R"({"alg":")" + std::string(jwt::algorithm_name(GetParam())) + R"(","typ":"JWT","kid":"key-1"})");
  EXPECT_EQ(verify(jwt::verifier({key}, {}), token), std::error_code{});
}

TEST(jwt_verify, pss_salt_must_be_as_long_as_the_hash) {
  const auto& rsa = jwt_test::keys().rsa_a;
  const jwt::verifier verifier({jwt::key::public_pem(rsa.public_pem, {jwt::algorithm::ps256})}, {});
  const std::string input = b64url(R"({"alg":"PS256"})") + "." + b64url(R"({"sub":"alice"})");
  const std::string right = jwt_test::pss_sign(rsa.pkey.get(), EVP_sha256(), 32, input);
  const std::string longer = jwt_test::pss_sign(rsa.pkey.get(), EVP_sha256(), 64, input);
  const std::string shorter = jwt_test::pss_sign(rsa.pkey.get(), EVP_sha256(), 20, input);
  EXPECT_EQ(verify(verifier, input + "." + b64url(right)), std::error_code{});
  EXPECT_EQ(verify(verifier, input + "." + b64url(longer)), errc::signature_invalid);
  EXPECT_EQ(verify(verifier, input + "." + b64url(shorter)), errc::signature_invalid);
}

TEST(jwt_verify, rs_and_ps_signatures_are_not_interchangeable) {
  const auto& rsa = jwt_test::keys().rsa_a;
  const jwt::verifier verifier(
      {jwt::key::public_pem(rsa.public_pem, {jwt::algorithm::rs256, jwt::algorithm::ps256})}, {});
  const segments rs = split(jwt::signer::private_pem(rsa.private_pem, jwt::algorithm::rs256).sign(alice));
  const std::string relabelled = b64url(R"({"alg":"PS256","typ":"JWT"})") + "." + rs.payload + "." + rs.signature;
  EXPECT_EQ(verify(verifier, relabelled), errc::signature_invalid);
}

TEST(jwt_verify, malformed_tokens) {
  const jwt::verifier verifier = hs256_verifier();
  const std::string good = hs256(R"({"sub":"alice"})");
  ASSERT_EQ(verify(verifier, good), std::error_code{});
  const segments parts = split(good);
  for (const std::string& token : std::vector<std::string>{
           "",
           "abc",
           "a.b",
           ".",
           "..",
           parts.header + "." + parts.payload,
           good + ".",
           good + "." + parts.signature,
           "!!." + parts.payload + "." + parts.signature,
           parts.header + "=." + parts.payload + "." + parts.signature,  // padding
           parts.header + "." + parts.payload + "." + parts.signature + "=",
           parts.header + "." + parts.payload + "." + parts.signature + "AA",  // 4n + 1 characters
           parts.header + ".\n" + parts.payload + "." + parts.signature,
           jwt_test::token("not json", R"({"sub":"alice"})", parts.signature),
           jwt_test::token("[]", R"({"sub":"alice"})", parts.signature),
           jwt_test::token(R"("HS256")", R"({"sub":"alice"})", parts.signature),
           jwt_test::token(R"({"alg":"HS256"} x)", R"({"sub":"alice"})", parts.signature),
           jwt_test::token("{\"alg\":\"HS256\xff\"}", R"({"sub":"alice"})", parts.signature),
           jwt_test::token(R"({"alg":"HS256"})", "", parts.signature),
           jwt_test::token(R"({"alg":"HS256"})", "Example of Ed25519 signing", parts.signature),
           jwt_test::token(R"({"alg":"HS256"})", R"(["alice"])", parts.signature),
           jwt_test::token(R"({"alg":"HS256"})", "null", parts.signature),
           std::string(b64url(R"({"alg":"HS256"})")).replace(0, 1, "+") + "." + parts.payload + "." + parts.signature,
       }) {
    EXPECT_EQ(verify(verifier, token), errc::token_malformed) << token;
  }
}

TEST(jwt_verify, malformed_headers_even_when_signed) {
  const jwt::verifier verifier = hs256_verifier();
  for (const std::string_view header : {R"({})", R"({"typ":"JWT"})", R"({"alg":256})", R"({"alg":null})",
                                        R"({"alg":["HS256"]})", R"({"alg":"HS256","crit":["exp"]})",
                                        R"({"alg":"HS256","crit":[]})", R"({"alg":"HS256","kid":7})"}) {
    EXPECT_EQ(verify(verifier, hs256(R"({"sub":"alice"})", header)), errc::token_malformed) << header;
  }
}

TEST(jwt_verify, nesting_beyond_the_depth_limit_is_malformed) {
  const jwt::verifier verifier = hs256_verifier();
  const std::string deep = R"({"sub":"alice","x":)" + std::string(100, '[') + std::string(100, ']') + "}";
  EXPECT_EQ(verify(verifier, hs256(deep)), errc::token_malformed);
  const std::string shallow = R"({"sub":"alice","x":)" + std::string(20, '[') + std::string(20, ']') + "}";
  EXPECT_EQ(verify(verifier, hs256(shallow)), std::error_code{});
}

TEST(jwt_verify, size_is_checked_first) {
  const std::string good = hs256(R"({"sub":"alice"})");
  EXPECT_EQ(verify(hs256_verifier({.max_token_size = good.size()}), good), std::error_code{});
  EXPECT_EQ(verify(hs256_verifier({.max_token_size = good.size() - 1}), good), errc::token_too_large);
  EXPECT_EQ(verify(hs256_verifier({.max_token_size = 10}), std::string(11, '!')), errc::token_too_large);
  EXPECT_EQ(verify(hs256_verifier(), std::string(8193, 'a')), errc::token_too_large);  // the default limit
}

TEST(jwt_verify, expiry_with_and_without_leeway) {
  const jwt::verifier strict = hs256_verifier();
  const jwt::verifier lenient = hs256_verifier({.leeway = 5s});
  const auto with_exp = [](std::string exp) { return hs256(R"({"sub":"alice","exp":)" + exp + "}"); };
  EXPECT_EQ(verify(strict, with_exp(std::to_string(now_s + 1))), std::error_code{});
  EXPECT_EQ(verify(strict, with_exp(std::to_string(now_s))), errc::token_expired);  // must be before exp
  EXPECT_EQ(verify(strict, with_exp(std::to_string(now_s - 3))), errc::token_expired);
  EXPECT_EQ(verify(lenient, with_exp(std::to_string(now_s - 3))), std::error_code{});
  EXPECT_EQ(verify(lenient, with_exp(std::to_string(now_s - 5))), errc::token_expired);
  EXPECT_EQ(verify(strict, with_exp("1700000000.5")), std::error_code{});
  EXPECT_EQ(verify(strict, with_exp("1699999999.5")), errc::token_expired);
  EXPECT_EQ(verify(strict, with_exp("1.7e9")), errc::token_expired);
  EXPECT_EQ(verify(strict, with_exp("1e300")), std::error_code{});
  EXPECT_EQ(verify(strict, with_exp("18446744073709551615")), std::error_code{});
  EXPECT_EQ(verify(strict, with_exp("-1")), errc::token_expired);
  for (const std::string_view exp : {R"("1800000000")", "true", "null", "[1800000000]", "{}", "1e400"}) {
    EXPECT_EQ(verify(strict, with_exp(std::string(exp))), errc::token_malformed) << exp;
  }
}

TEST(jwt_verify, expires_at_reports_exp) {
  jwt::verified_token out;
  ASSERT_FALSE(hs256_verifier().verify(hs256(R"({"sub":"a","exp":1700000060.25})"), out, now));
  EXPECT_EQ(out.expires_at, now + 60250ms);
  ASSERT_FALSE(hs256_verifier().verify(hs256(R"({"sub":"a","exp":1e300})"), out, now));
  EXPECT_EQ(out.expires_at, std::chrono::system_clock::time_point::max());
  ASSERT_FALSE(hs256_verifier().verify(hs256(R"({"sub":"a"})"), out, now));
  EXPECT_EQ(out.expires_at, std::nullopt);
  // With a leeway, the moment the token stops being accepted: one admitted within the leeway is
  // not ended at once (the guard disconnects at expires_at).
  ASSERT_FALSE(hs256_verifier({.leeway = 30s}).verify(hs256(R"({"sub":"a","exp":1699999990})"), out, now));
  EXPECT_EQ(out.expires_at, now + 20s);
}

TEST(jwt_verify, not_before_with_and_without_leeway) {
  const jwt::verifier strict = hs256_verifier();
  const jwt::verifier lenient = hs256_verifier({.leeway = 10s});
  const auto with_nbf = [](std::string nbf) { return hs256(R"({"sub":"alice","nbf":)" + nbf + "}"); };
  EXPECT_EQ(verify(strict, with_nbf(std::to_string(now_s))), std::error_code{});
  EXPECT_EQ(verify(strict, with_nbf(std::to_string(now_s + 10))), errc::token_not_yet_valid);
  EXPECT_EQ(verify(lenient, with_nbf(std::to_string(now_s + 10))), std::error_code{});
  EXPECT_EQ(verify(lenient, with_nbf(std::to_string(now_s + 11))), errc::token_not_yet_valid);
  EXPECT_EQ(verify(strict, with_nbf("1700000000.5")), errc::token_not_yet_valid);
  EXPECT_EQ(verify(strict, with_nbf(R"("soon")")), errc::token_malformed);
}

TEST(jwt_verify, none_is_refused) {
  const jwt::verifier verifier = hs256_verifier();
  const std::string payload = R"({"sub":"alice"})";
  EXPECT_EQ(verify(verifier, jwt_test::token(R"({"alg":"none"})", payload)), errc::algorithm_not_allowed);
  EXPECT_EQ(verify(verifier, jwt_test::token(R"({"alg":"none","typ":"JWT"})", payload, "AAAA")),
            errc::algorithm_not_allowed);
  // Even with a signature that would be right for HS256.
  EXPECT_EQ(verify(verifier, hs256(payload, R"({"alg":"none"})")), errc::algorithm_not_allowed);
  EXPECT_EQ(verify(verifier, hs256(payload, R"({"alg":"None"})")), errc::algorithm_not_allowed);
}

TEST(jwt_verify, unknown_or_unconfigured_algorithms_are_refused) {
  const jwt::verifier verifier = hs256_verifier();
  const std::string payload = R"({"sub":"alice"})";
  for (const std::string_view header :
       {R"({"alg":"HS1024"})", R"({"alg":"hs256"})", R"({"alg":"HS384"})", R"({"alg":"RS256"})", R"({"alg":""})"}) {
    EXPECT_EQ(verify(verifier, hs256(payload, header)), errc::algorithm_not_allowed) << header;
  }
  const auto [signer, key] = pair_for(jwt::algorithm::es256);
  EXPECT_EQ(verify(verifier, signer.sign(alice)), errc::algorithm_not_allowed);
}

// The classic confusion attack: an RS256 verifier handed an HS256 token whose HMAC secret is the
// server's own public key text.
TEST(jwt_verify, hmac_with_the_public_key_as_secret_is_refused) {
  const std::string& pem = jwt_test::keys().rsa_a.public_pem;
  const jwt::verifier verifier({jwt::key::public_pem(pem, {jwt::algorithm::rs256})}, {});
  const std::string forged = jwt::signer::shared_secret(pem, jwt::algorithm::hs256).sign(alice);
  EXPECT_EQ(verify(verifier, forged), errc::algorithm_not_allowed);
  EXPECT_EQ(verify(verifier, jwt_test::hs256_token(R"({"alg":"HS256"})", R"({"sub":"alice"})", pem)),
            errc::algorithm_not_allowed);
}

TEST(jwt_verify, kid_selects_the_key) {
  const auto& keys = jwt_test::keys();
  const jwt::verifier verifier({jwt::key::public_pem(keys.rsa_a.public_pem, {jwt::algorithm::rs256}, "a"),
                                jwt::key::public_pem(keys.rsa_b.public_pem, {jwt::algorithm::rs256}, "b")},
                               {});
  const auto signer = [&](const jwt_test::key_pair& k, std::string kid) {
    return jwt::signer::private_pem(k.private_pem, jwt::algorithm::rs256, std::move(kid));
  };
  EXPECT_EQ(verify(verifier, signer(keys.rsa_a, "a").sign(alice)), std::error_code{});
  EXPECT_EQ(verify(verifier, signer(keys.rsa_b, "b").sign(alice)), std::error_code{});
  EXPECT_EQ(verify(verifier, signer(keys.rsa_b, "a").sign(alice)), errc::signature_invalid);
  EXPECT_EQ(verify(verifier, signer(keys.rsa_a, "b").sign(alice)), errc::signature_invalid);
  EXPECT_EQ(verify(verifier, signer(keys.rsa_a, "c").sign(alice)), errc::key_unknown);
  // Without a kid, each key that allows the algorithm is tried.
  EXPECT_EQ(verify(verifier, signer(keys.rsa_a, "").sign(alice)), std::error_code{});
  EXPECT_EQ(verify(verifier, signer(keys.rsa_b, "").sign(alice)), std::error_code{});
  const jwt::verifier only_a({jwt::key::public_pem(keys.rsa_a.public_pem, {jwt::algorithm::rs256}, "a")}, {});
  EXPECT_EQ(verify(only_a, signer(keys.rsa_b, "").sign(alice)), errc::signature_invalid);
}

TEST(jwt_verify, a_kid_naming_a_key_of_another_algorithm_is_refused) {
  const auto& keys = jwt_test::keys();
  const jwt::verifier verifier({jwt::key::public_pem(keys.rsa_a.public_pem, {jwt::algorithm::rs256}, "rsa"),
                                jwt::key::public_pem(keys.p256.public_pem, {jwt::algorithm::es256}, "ec")},
                               {});
  const std::string token = jwt::signer::private_pem(keys.p256.private_pem, jwt::algorithm::es256, "rsa").sign(alice);
  EXPECT_EQ(verify(verifier, token), errc::algorithm_not_allowed);
}

TEST(jwt_verify, kid_unknown_comes_after_the_algorithm_check) {
  const jwt::verifier verifier({jwt::key::shared_secret(secret, {jwt::algorithm::hs256}, "k1")}, {});
  EXPECT_EQ(verify(verifier, hs256(R"({"sub":"alice"})", R"({"alg":"HS256","kid":"k2"})")), errc::key_unknown);
  EXPECT_EQ(verify(verifier, hs256(R"({"sub":"alice"})", R"({"alg":"HS256","kid":"k1"})")), std::error_code{});
  EXPECT_EQ(verify(verifier, hs256(R"({"sub":"alice"})", R"({"alg":"HS512","kid":"k2"})")),
            errc::algorithm_not_allowed);
}

TEST(jwt_verify, issuer) {
  const jwt::verifier verifier = hs256_verifier({.issuer = "https://id.example"});
  EXPECT_EQ(verify(verifier, hs256(R"({"sub":"a","iss":"https://id.example"})")), std::error_code{});
  for (const std::string_view payload : {R"({"sub":"a"})", R"({"sub":"a","iss":"https://evil.example"})",
                                         R"({"sub":"a","iss":"https://id.example/"})", R"({"sub":"a","iss":null})",
                                         R"({"sub":"a","iss":["https://id.example"]})"}) {
    EXPECT_EQ(verify(verifier, hs256(payload)), errc::issuer_invalid) << payload;
  }
  EXPECT_EQ(verify(hs256_verifier(), hs256(R"({"sub":"a","iss":"anyone"})")), std::error_code{});
}

TEST(jwt_verify, audience_as_string_or_array) {
  const jwt::verifier verifier = hs256_verifier({.audience = "api"});
  for (const std::string_view payload :
       {R"({"sub":"a","aud":"api"})", R"({"sub":"a","aud":["web","api"]})", R"({"sub":"a","aud":[1,"api"]})"}) {
    EXPECT_EQ(verify(verifier, hs256(payload)), std::error_code{}) << payload;
  }
  for (const std::string_view payload :
       {R"({"sub":"a"})", R"({"sub":"a","aud":"web"})", R"({"sub":"a","aud":["web"]})", R"({"sub":"a","aud":[]})",
        R"({"sub":"a","aud":"API"})", R"({"sub":"a","aud":{"api":true}})", R"({"sub":"a","aud":[["api"]]})"}) {
    EXPECT_EQ(verify(verifier, hs256(payload)), errc::audience_invalid) << payload;
  }
  EXPECT_EQ(verify(hs256_verifier(), hs256(R"({"sub":"a","aud":"web"})")), std::error_code{});
}

TEST(jwt_verify, user_id_from_the_configured_claim) {
  const auto user_id = [](const jwt::verifier& v, std::string_view payload) {
    jwt::verified_token out;
    const std::error_code ec = v.verify(hs256(payload), out, now);
    return ec ? std::string(switchboard::auth::code_name(ec)) : out.user_id;
  };
  const jwt::verifier by_sub = hs256_verifier();
  EXPECT_EQ(user_id(by_sub, R"({"sub":"alice"})"), "alice");
  EXPECT_EQ(user_id(by_sub, R"({"sub":42})"), "42");
  EXPECT_EQ(user_id(by_sub, R"({"sub":-7})"), "-7");
  EXPECT_EQ(user_id(by_sub, R"({"sub":18446744073709551615})"), "18446744073709551615");
  for (const std::string_view payload : {R"({})", R"({"sub":""})", R"({"sub":null})", R"({"sub":true})",
                                         R"({"sub":4.5})", R"({"sub":["alice"]})", R"({"sub":{}})", R"({"uid":"x"})"}) {
    EXPECT_EQ(user_id(by_sub, payload), "user_id_missing") << payload;
  }
  const jwt::verifier by_uid = hs256_verifier({.user_id_claim = "uid"});
  EXPECT_EQ(user_id(by_uid, R"({"sub":"alice","uid":"u-1"})"), "u-1");
  EXPECT_EQ(user_id(by_uid, R"({"sub":"alice"})"), "user_id_missing");
}

TEST(jwt_verify, claims_are_read_only_after_the_signature_verified) {
  const jwt::verifier verifier = hs256_verifier({.issuer = "me", .audience = "api"});
  const segments expired = split(hs256(R"({"exp":1,"nbf":9e99,"iss":"x","aud":"y"})"));
  EXPECT_EQ(verify(verifier, expired.header + "." + expired.payload + "." + b64url(std::string(32, 'x'))),
            errc::signature_invalid);
  // A non-numeric exp is malformed, but only once the signature is known to be good.
  const segments bad_exp = split(hs256(R"({"exp":"never"})"));
  EXPECT_EQ(verify(verifier, bad_exp.header + "." + bad_exp.payload + "." + b64url(std::string(32, 'x'))),
            errc::signature_invalid);
}

TEST(jwt_verify, claims_are_checked_in_order) {
  const jwt::verifier verifier = hs256_verifier({.issuer = "me", .audience = "api"});
  EXPECT_EQ(verify(verifier, hs256(R"({"exp":1,"nbf":9e99,"iss":"x","aud":"y"})")), errc::token_expired);
  EXPECT_EQ(verify(verifier, hs256(R"({"nbf":9e99,"iss":"x","aud":"y"})")), errc::token_not_yet_valid);
  EXPECT_EQ(verify(verifier, hs256(R"({"iss":"x","aud":"y"})")), errc::issuer_invalid);
  EXPECT_EQ(verify(verifier, hs256(R"({"iss":"me","aud":"y"})")), errc::audience_invalid);
  EXPECT_EQ(verify(verifier, hs256(R"({"iss":"me","aud":"api"})")), errc::user_id_missing);
  EXPECT_EQ(verify(verifier, hs256(R"({"iss":"me","aud":"api","sub":"a"})")), std::error_code{});
}

TEST(jwt_verify, structure_errors_come_before_algorithm_errors) {
  const jwt::verifier verifier = hs256_verifier();
  EXPECT_EQ(verify(verifier, jwt_test::token(R"({"alg":"none"})", "not json")), errc::token_malformed);
  EXPECT_EQ(verify(verifier, jwt_test::token(R"({"alg":"none"})", "{}", "!")), errc::token_malformed);
  EXPECT_EQ(verify(verifier, jwt_test::token(R"({"alg":"none","crit":["b64"]})", "{}")), errc::token_malformed);
}

TEST(jwt_verify, failure_leaves_the_output_alone) {
  jwt::verified_token out;
  out.user_id = "before";
  EXPECT_EQ(hs256_verifier().verify(hs256(R"({"sub":"alice","exp":1})"), out, now), errc::token_expired);
  EXPECT_EQ(out.user_id, "before");
  EXPECT_TRUE(out.claims.empty());
}

TEST(jwt_verify, with_no_keys_everything_is_refused) {
  EXPECT_EQ(verify(jwt::verifier({}, {}), hs256(R"({"sub":"alice"})")), errc::algorithm_not_allowed);
}

TEST(jwt_verify, concurrent_verification_from_many_threads) {
  std::vector<jwt::key> keys;
  std::vector<std::string> tokens;
  for (const jwt::algorithm alg : {jwt::algorithm::hs256, jwt::algorithm::rs256, jwt::algorithm::ps256,
                                   jwt::algorithm::es256, jwt::algorithm::eddsa}) {
    const auto [signer, key] = pair_for(alg);
    keys.push_back(key);
    tokens.push_back(signer.sign(alice));
    tokens.push_back(tokens.back() + "x");  // fails, and must not disturb the others
  }
  const jwt::verifier verifier(keys, {});
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int round = 0; round < 20; ++round) {
        for (std::size_t i = 0; i < tokens.size(); ++i) {
          jwt::verified_token out;
          const bool ok = !verifier.verify(tokens[i], out, now);
          if (ok != (i % 2 == 0) || (ok && out.user_id != "alice")) ++wrong;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
}
