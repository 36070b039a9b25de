// Key and signer factories: what each accepts, what it refuses, and JWK Set parsing.
#include <gtest/gtest.h>
#include <openssl/pem.h>

#include <boost/json/serialize.hpp>
#include <stdexcept>

#include "jwt_test_keys.hpp"
#include "switchboard/auth/error.hpp"
#include "switchboard/auth/jwt.hpp"

namespace jwt = switchboard::auth::jwt;
namespace json = boost::json;
using switchboard::auth::errc;
using alg = jwt::algorithm;
using namespace std::chrono_literals;

namespace {

const auto now = std::chrono::system_clock::time_point(1'700'000'000s);
const json::object alice{{"sub", "alice"}};

std::string jwks(std::initializer_list<json::object> keys) {
  json::array array;
  for (const json::object& k : keys) array.push_back(k);
  return json::serialize(json::object{{"keys", array}});
}

json::object with(json::object jwk, std::initializer_list<std::pair<std::string_view, json::value>> members) {
  for (const auto& [name, value] : members) jwk[name] = value;
  return jwk;
}

std::error_code verify(const std::vector<jwt::key>& keys, const std::string& token) {
  jwt::verified_token out;
  return jwt::verifier(keys, {}).verify(token, out, now);
}

std::string signed_by(const jwt_test::key_pair& k, alg a, std::string kid = {}) {
  return jwt::signer::private_pem(k.private_pem, a, std::move(kid)).sign(alice);
}

std::string encrypted_pem(EVP_PKEY* pkey) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  char password[] = "password";
  PEM_write_bio_PrivateKey(bio.get(), pkey, EVP_aes_256_cbc(), nullptr, 0, nullptr, password);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

}  // namespace

TEST(jwt_key, shared_secret_at_least_as_long_as_the_hash) {
  EXPECT_NO_THROW(jwt::key::shared_secret(std::string(32, 'k')));
  EXPECT_THROW(jwt::key::shared_secret(std::string(31, 'k')), std::invalid_argument);
  EXPECT_THROW(jwt::key::shared_secret(""), std::invalid_argument);
  EXPECT_NO_THROW(jwt::key::shared_secret(std::string(48, 'k'), {alg::hs384}));
  EXPECT_THROW(jwt::key::shared_secret(std::string(47, 'k'), {alg::hs384}), std::invalid_argument);
  EXPECT_NO_THROW(jwt::key::shared_secret(std::string(64, 'k'), {alg::hs512}));
  EXPECT_THROW(jwt::key::shared_secret(std::string(63, 'k'), {alg::hs512}), std::invalid_argument);
  EXPECT_THROW(jwt::key::shared_secret(std::string(32, 'k'), {alg::hs256, alg::hs512}), std::invalid_argument);
}

TEST(jwt_key, shared_secret_serves_only_hmac) {
  const std::string secret(64, 'k');
  EXPECT_THROW(jwt::key::shared_secret(secret, {}), std::invalid_argument);
  for (const alg a : {alg::rs256, alg::ps256, alg::es256, alg::eddsa}) {
    EXPECT_THROW(jwt::key::shared_secret(secret, {alg::hs256, a}), std::invalid_argument) << jwt::algorithm_name(a);
  }
  const jwt::key key = jwt::key::shared_secret(secret, {alg::hs256, alg::hs512}, "k1");
  EXPECT_EQ(key.kid(), "k1");
  EXPECT_EQ(key.algorithms(), (std::vector{alg::hs256, alg::hs512}));
  EXPECT_TRUE(key.allows(alg::hs512));
  EXPECT_FALSE(key.allows(alg::hs384));
}

TEST(jwt_key, public_pem_binds_key_types_to_algorithms) {
  const auto& keys = jwt_test::keys();
  const jwt::key rsa = jwt::key::public_pem(keys.rsa_a.public_pem, {alg::rs256, alg::ps512}, "r");
  EXPECT_TRUE(rsa.allows(alg::ps512));
  EXPECT_FALSE(rsa.allows(alg::rs384));
  EXPECT_EQ(rsa.kid(), "r");
  EXPECT_NO_THROW(jwt::key::public_pem(keys.p256.public_pem, {alg::es256}));
  EXPECT_NO_THROW(jwt::key::public_pem(keys.p384.public_pem, {alg::es384}));
  EXPECT_NO_THROW(jwt::key::public_pem(keys.ed25519.public_pem, {alg::eddsa}));

  const std::vector<std::pair<const jwt_test::key_pair*, alg>> refused{
      {&keys.rsa_1024, alg::rs256}, {&keys.rsa_1024, alg::ps256}, {&keys.rsa_a, alg::hs256},
      {&keys.rsa_a, alg::es256},    {&keys.p256, alg::es384},     {&keys.p384, alg::es256},
      {&keys.p256, alg::hs256},     {&keys.p256, alg::rs256},     {&keys.p256, alg::eddsa},
      {&keys.ed25519, alg::hs256},  {&keys.ed25519, alg::es256},  {&keys.ed448, alg::eddsa},
  };
  for (const auto& [k, a] : refused) {
    EXPECT_THROW(jwt::key::public_pem(k->public_pem, {a}), std::invalid_argument) << jwt::algorithm_name(a);
  }
  // One unsuitable algorithm in the list refuses the whole key.
  EXPECT_THROW(jwt::key::public_pem(keys.rsa_a.public_pem, {alg::rs256, alg::hs256}), std::invalid_argument);
  EXPECT_THROW(jwt::key::public_pem(keys.rsa_a.public_pem, {}), std::invalid_argument);
}

TEST(jwt_key, public_pem_refuses_what_is_not_a_public_key) {
  const auto& keys = jwt_test::keys();
  for (const std::string& pem : {std::string(), std::string("not a pem"),
                                 std::string("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"),
                                 keys.rsa_a.public_pem.substr(0, 200), keys.rsa_a.private_pem}) {
    EXPECT_THROW(jwt::key::public_pem(pem, {alg::rs256}), std::invalid_argument) << pem;
  }
}

TEST(jwt_signer, factories_refuse_unsuitable_keys) {
  const auto& keys = jwt_test::keys();
  EXPECT_THROW(jwt::signer::shared_secret(std::string(64, 'k'), alg::rs256), std::invalid_argument);
  EXPECT_THROW(jwt::signer::shared_secret(std::string(31, 'k'), alg::hs256), std::invalid_argument);
  EXPECT_THROW(jwt::signer::shared_secret(std::string(63, 'k'), alg::hs512), std::invalid_argument);
  EXPECT_THROW(jwt::signer::private_pem(keys.rsa_a.public_pem, alg::rs256), std::invalid_argument);
  EXPECT_THROW(jwt::signer::private_pem(keys.rsa_a.private_pem, alg::hs256), std::invalid_argument);
  EXPECT_THROW(jwt::signer::private_pem(keys.rsa_1024.private_pem, alg::rs256), std::invalid_argument);
  EXPECT_THROW(jwt::signer::private_pem(keys.p256.private_pem, alg::es384), std::invalid_argument);
  EXPECT_THROW(jwt::signer::private_pem(keys.ed448.private_pem, alg::eddsa), std::invalid_argument);
  EXPECT_THROW(jwt::signer::private_pem("garbage", alg::rs256), std::invalid_argument);
  // An encrypted key is refused, not prompted for.
  EXPECT_THROW(jwt::signer::private_pem(encrypted_pem(keys.p256.pkey.get()), alg::es256), std::invalid_argument);
}

TEST(jwt_jwks, each_key_type_with_its_default_algorithms) {
  const auto& keys = jwt_test::keys();
  const std::vector<jwt::key> set = jwt::key::from_jwks(
      jwks({with(keys.rsa_a.jwk, {{"kid", "rsa"}}), with(keys.p256.jwk, {{"kid", "p256"}}),
            with(keys.p384.jwk, {{"kid", "p384"}}), with(keys.ed25519.jwk, {{"kid", "ed"}}),
            {{"kty", "oct"}, {"kid", "oct"}, {"alg", "HS384"}, {"k", jwt_test::b64url(std::string(48, 'k'))}}}));
  ASSERT_EQ(set.size(), 5u);
  EXPECT_EQ(set[0].kid(), "rsa");
  EXPECT_EQ(set[0].algorithms(),
            (std::vector{alg::rs256, alg::rs384, alg::rs512, alg::ps256, alg::ps384, alg::ps512}));
  EXPECT_EQ(set[1].algorithms(), std::vector{alg::es256});
  EXPECT_EQ(set[2].algorithms(), std::vector{alg::es384});
  EXPECT_EQ(set[3].algorithms(), std::vector{alg::eddsa});
  EXPECT_EQ(set[4].algorithms(), std::vector{alg::hs384});

  // Each verifies what its private half signed.
  EXPECT_EQ(verify(set, signed_by(keys.rsa_a, alg::ps384, "rsa")), std::error_code{});
  EXPECT_EQ(verify(set, signed_by(keys.p256, alg::es256, "p256")), std::error_code{});
  EXPECT_EQ(verify(set, signed_by(keys.p384, alg::es384, "p384")), std::error_code{});
  EXPECT_EQ(verify(set, signed_by(keys.ed25519, alg::eddsa, "ed")), std::error_code{});
  EXPECT_EQ(verify(set, jwt::signer::shared_secret(std::string(48, 'k'), alg::hs384, "oct").sign(alice)),
            std::error_code{});
}

TEST(jwt_jwks, kid_selects_the_key) {
  const auto& keys = jwt_test::keys();
  const std::vector<jwt::key> set =
      jwt::key::from_jwks(jwks({with(keys.rsa_a.jwk, {{"kid", "a"}}), with(keys.rsa_b.jwk, {{"kid", "b"}})}));
  EXPECT_EQ(verify(set, signed_by(keys.rsa_a, alg::rs256, "a")), std::error_code{});
  EXPECT_EQ(verify(set, signed_by(keys.rsa_b, alg::rs256, "b")), std::error_code{});
  EXPECT_EQ(verify(set, signed_by(keys.rsa_b, alg::rs256, "a")), errc::signature_invalid);
  EXPECT_EQ(verify(set, signed_by(keys.rsa_a, alg::rs256, "b")), errc::signature_invalid);
  EXPECT_EQ(verify(set, signed_by(keys.rsa_a, alg::rs256, "z")), errc::key_unknown);
}

TEST(jwt_jwks, alg_binds_the_key) {
  const auto& keys = jwt_test::keys();
  const std::vector<jwt::key> set =
      jwt::key::from_jwks(jwks({with(keys.rsa_a.jwk, {{"kid", "a"}, {"alg", "RS256"}})}));
  ASSERT_EQ(set.size(), 1u);
  EXPECT_EQ(set[0].algorithms(), std::vector{alg::rs256});
  EXPECT_EQ(verify(set, signed_by(keys.rsa_a, alg::rs256, "a")), std::error_code{});
  EXPECT_EQ(verify(set, signed_by(keys.rsa_a, alg::ps256, "a")), errc::algorithm_not_allowed);
  EXPECT_EQ(verify(set, signed_by(keys.rsa_a, alg::rs512)), errc::algorithm_not_allowed);
}

TEST(jwt_jwks, keys_for_encryption_or_unsupported_are_skipped) {
  const auto& keys = jwt_test::keys();
  const std::vector<jwt::key> set = jwt::key::from_jwks(jwks({
      with(keys.rsa_b.jwk, {{"kid", "enc"}, {"use", "enc"}}),
      with(keys.rsa_b.jwk, {{"kid", "oaep"}, {"alg", "RSA-OAEP"}}),
      with(keys.rsa_b.jwk, {{"kid", "none"}, {"alg", "none"}}),
      with(keys.ed448.jwk, {{"kid", "ed448"}}),
      {{"kty", "EC"}, {"kid", "p521"}, {"crv", "P-521"}, {"x", "AA"}, {"y", "AA"}},
      {{"kty", "OKP"}, {"kid", "x25519"}, {"crv", "X25519"}, {"x", "AA"}},
      {{"kty", "PQC"}, {"kid", "future"}},
      with(keys.rsa_a.jwk, {{"kid", "sig"}, {"use", "sig"}}),
  }));
  ASSERT_EQ(set.size(), 1u);
  EXPECT_EQ(set[0].kid(), "sig");
  EXPECT_EQ(verify(set, signed_by(keys.rsa_b, alg::rs256, "enc")), errc::key_unknown);
  EXPECT_EQ(verify(set, signed_by(keys.rsa_a, alg::rs256, "sig")), std::error_code{});
  EXPECT_THROW(jwt::key::from_jwks(jwks({with(keys.rsa_a.jwk, {{"use", "enc"}})})), std::invalid_argument);
}

TEST(jwt_jwks, malformed_sets_and_keys_are_refused) {
  const auto& keys = jwt_test::keys();
  const std::string k32 = jwt_test::b64url(std::string(32, 'k'));
  json::object off_curve = keys.p256.jwk;
  std::string y = jwt_test::unb64url(off_curve["y"].as_string());
  y.back() = static_cast<char>(y.back() ^ 1);
  off_curve["y"] = jwt_test::b64url(y);
  json::object short_x = keys.p256.jwk;
  short_x["x"] = jwt_test::b64url(jwt_test::unb64url(short_x["x"].as_string()).substr(1));

  for (const std::string& text : std::vector<std::string>{
           "", "not json", "[]", "{}", R"({"keys":{}})", R"({"keys":[]})", R"({"keys":[1]})", R"({"keys":[{}]})",
           R"({"keys":[{"kty":7}]})", jwks({{{"kty", "RSA"}, {"e", "AQAB"}}}),
           jwks({with(keys.rsa_a.jwk, {{"n", "+/+/"}})}), jwks({with(keys.rsa_a.jwk, {{"n", ""}})}),
           jwks({with(keys.rsa_a.jwk, {{"e", 65537}})}), jwks({keys.rsa_1024.jwk}),
           jwks({with(keys.rsa_a.jwk, {{"alg", "HS256"}})}), jwks({with(keys.rsa_a.jwk, {{"alg", "ES256"}})}),
           jwks({with(keys.rsa_a.jwk, {{"kid", 1}})}), jwks({with(keys.rsa_a.jwk, {{"use", true}})}),
           jwks({{{"kty", "EC"}, {"x", "AA"}, {"y", "AA"}}}), jwks({short_x}), jwks({off_curve}),
           jwks({with(keys.p256.jwk, {{"alg", "ES384"}})}), jwks({with(keys.p384.jwk, {{"crv", "P-256"}})}),
           jwks({with(keys.ed25519.jwk, {{"x", "AAAA"}})}), jwks({{{"kty", "oct"}, {"k", k32}}}),
           jwks({{{"kty", "oct"}, {"alg", "HS384"}, {"k", k32}}}),
           jwks({{{"kty", "oct"}, {"alg", "RS256"}, {"k", k32}}}), jwks({{{"kty", "oct"}, {"alg", "HS256"}}}),
           // A good key does not excuse a bad one beside it.
           jwks({keys.p256.jwk, keys.rsa_1024.jwk}),
           R"({"keys":[)" + std::string(50, '[') + std::string(50, ']') + "]}",
       }) {
    EXPECT_THROW(jwt::key::from_jwks(text), std::invalid_argument) << text;
  }
}

TEST(jwt_jwks, the_rfc7515_oct_key_needs_an_alg) {
  // RFC 7515 A.1's JWK as printed: an oct key without "alg" could be used with any HS*.
  const std::string k = "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow";
  EXPECT_THROW(jwt::key::from_jwks(R"({"keys":[{"kty":"oct","k":")" + k + R"("}]})"), std::invalid_argument);
  EXPECT_EQ(jwt::key::from_jwks(R"({"keys":[{"kty":"oct","alg":"HS512","k":")" + k + R"("}]})").size(), 1u);
}
