// The examples of RFC 7515 Appendix A (A.1 HS256, A.2 RS256, A.3 ES256) and RFC 8037
// Appendix A (A.4 Ed25519), verified with keys built from the RFCs' own JWKs.
#include <gtest/gtest.h>
#include <openssl/ec.h>

#include "jwt_crypto.hpp"
#include "jwt_test_keys.hpp"
#include "switchboard/auth/error.hpp"
#include "switchboard/auth/jwt.hpp"

namespace jwt = switchboard::auth::jwt;
using switchboard::auth::errc;
using jwt_test::b64url;
using jwt_test::unb64url;
using namespace std::chrono_literals;

namespace {

// The RFC 7515 examples expire at 1300819380 (2011-03-22T18:43:00Z).
const auto before_exp = std::chrono::system_clock::time_point(1300819000s);
const auto at_exp = std::chrono::system_clock::time_point(1300819380s);

// {"iss":"joe",\r\n "exp":1300819380,\r\n "http://example.com/is_root":true}, shared by A.1 to A.3.
constexpr std::string_view payload =
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ";

constexpr std::string_view a1_k =
    "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow";
// {"typ":"JWT",\r\n "alg":"HS256"}
constexpr std::string_view a1_header = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9";
constexpr std::string_view a1_signature = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

constexpr std::string_view a2_n =
    "ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pC"
    "gNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg6"
    "65xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRW"
    "yuXpoQ";
constexpr std::string_view a2_header = "eyJhbGciOiJSUzI1NiJ9";  // {"alg":"RS256"}
constexpr std::string_view a2_signature =
    "cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t"
    "1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12j"
    "zDwusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQ"
    "Ge77Rw";

constexpr std::string_view a3_x = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU";
constexpr std::string_view a3_y = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0";
constexpr std::string_view a3_header = "eyJhbGciOiJFUzI1NiJ9";  // {"alg":"ES256"}
constexpr std::string_view a3_signature =
    "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";

// RFC 8037 A.1 (the key) and A.4 (the signature of "Example of Ed25519 signing").
constexpr std::string_view ed_d = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A";
constexpr std::string_view ed_x = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";
constexpr std::string_view ed_input = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc";
constexpr std::string_view ed_signature =
    "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";

std::string join(std::string_view header, std::string_view signature) {
  return std::string(header) + "." + std::string(payload) + "." + std::string(signature);
}

// The RFC payloads have no `sub`; their `iss` stands in as the user id.
jwt::verifier rfc_verifier(const std::string& jwks) {
  return jwt::verifier(jwt::key::from_jwks(jwks), {.user_id_claim = "iss"});
}

std::string flip_last_byte(std::string_view signature) {
  std::string bytes = unb64url(signature);
  bytes.back() = static_cast<char>(bytes.back() ^ 0x80);
  return b64url(bytes);
}

// An ECDSA R||S signature as the DER ECDSA-Sig-Value that OpenSSL uses.
std::string der_of(std::string_view raw) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(raw.data());
  const int half = static_cast<int>(raw.size() / 2);
  std::unique_ptr<ECDSA_SIG, decltype(&ECDSA_SIG_free)> sig(ECDSA_SIG_new(), ECDSA_SIG_free);
  ECDSA_SIG_set0(sig.get(), BN_bin2bn(bytes, half, nullptr), BN_bin2bn(bytes + half, half, nullptr));
  std::string der(static_cast<std::size_t>(i2d_ECDSA_SIG(sig.get(), nullptr)), '\0');
  auto* out = reinterpret_cast<unsigned char*>(der.data());
  i2d_ECDSA_SIG(sig.get(), &out);
  return der;
}

void expect_verifies(const jwt::verifier& verifier, const std::string& token) {
  jwt::verified_token out;
  ASSERT_EQ(verifier.verify(token, out, before_exp), std::error_code{});
  EXPECT_EQ(out.user_id, "joe");
  EXPECT_EQ(out.claims.at("http://example.com/is_root"), true);
  EXPECT_EQ(out.expires_at, at_exp);
  EXPECT_EQ(verifier.verify(token, out, at_exp), errc::token_expired);
}

}  // namespace

TEST(jwt_rfc7515, a1_hs256) {
  const jwt::verifier verifier =
      rfc_verifier(R"({"keys":[{"kty":"oct","alg":"HS256","k":")" + std::string(a1_k) + R"("}]})");
  expect_verifies(verifier, join(a1_header, a1_signature));
  jwt::verified_token out;
  EXPECT_EQ(verifier.verify(join(a1_header, flip_last_byte(a1_signature)), out, before_exp), errc::signature_invalid);

  const std::string input = std::string(a1_header) + "." + std::string(payload);
  EXPECT_EQ(b64url(jwt::detail::sign(jwt::algorithm::hs256, unb64url(a1_k), nullptr, input)), a1_signature);
}

TEST(jwt_rfc7515, a2_rs256) {
  const jwt::verifier verifier =
      rfc_verifier(R"({"keys":[{"kty":"RSA","n":")" + std::string(a2_n) + R"(","e":"AQAB"}]})");
  expect_verifies(verifier, join(a2_header, a2_signature));
  jwt::verified_token out;
  EXPECT_EQ(verifier.verify(join(a2_header, flip_last_byte(a2_signature)), out, before_exp), errc::signature_invalid);
  // The same bytes are no PS256 signature.
  EXPECT_EQ(verifier.verify(join(b64url(R"({"alg":"PS256"})"), a2_signature), out, before_exp),
            errc::signature_invalid);
}

TEST(jwt_rfc7515, a3_es256) {
  const jwt::verifier verifier = rfc_verifier(R"({"keys":[{"kty":"EC","crv":"P-256","x":")" + std::string(a3_x) +
                                              R"(","y":")" + std::string(a3_y) + R"("}]})");
  expect_verifies(verifier, join(a3_header, a3_signature));
  jwt::verified_token out;
  EXPECT_EQ(verifier.verify(join(a3_header, flip_last_byte(a3_signature)), out, before_exp), errc::signature_invalid);
  // JWS carries R||S at full length: neither the DER form nor a shortened one is accepted.
  const std::string raw = unb64url(a3_signature);
  EXPECT_EQ(verifier.verify(join(a3_header, b64url(der_of(raw))), out, before_exp), errc::signature_invalid);
  EXPECT_EQ(verifier.verify(join(a3_header, b64url(raw.substr(0, 63))), out, before_exp), errc::signature_invalid);
}

TEST(jwt_rfc8037, a4_ed25519) {
  const std::vector<jwt::key> keys =
      jwt::key::from_jwks(R"({"keys":[{"kty":"OKP","crv":"Ed25519","x":")" + std::string(ed_x) + R"("}]})");
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0].algorithms(), std::vector{jwt::algorithm::eddsa});
  const auto verifies = [&](std::string_view input, std::string_view signature) {
    return jwt::detail::verify(jwt::algorithm::eddsa, {}, keys[0].get().pkey.get(), input, unb64url(signature));
  };
  EXPECT_TRUE(verifies(ed_input, ed_signature));
  EXPECT_FALSE(verifies(ed_input, flip_last_byte(ed_signature)));
  EXPECT_FALSE(verifies(std::string(ed_input) + "x", ed_signature));

  // Its payload is not a JSON claim set, so as a JWT the example is malformed.
  const std::string token = std::string(ed_input) + "." + std::string(ed_signature);
  jwt::verified_token out;
  EXPECT_EQ(jwt::verifier(keys, {}).verify(token, out, before_exp), errc::token_malformed);
}

TEST(jwt_rfc8037, a4_ed25519_signing_is_deterministic) {
  const std::string d = unb64url(ed_d);
  const auto* seed = reinterpret_cast<const unsigned char*>(d.data());
  const jwt_test::pkey_ptr pkey(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed, d.size()), EVP_PKEY_free);
  ASSERT_TRUE(pkey);
  EXPECT_EQ(b64url(jwt::detail::sign(jwt::algorithm::eddsa, {}, pkey.get(), ed_input)), ed_signature);

  // A JWT signed with the RFC's private key verifies with the RFC's public JWK.
  const jwt::signer signer = jwt::signer::private_pem(jwt_test::to_pem(pkey.get(), true), jwt::algorithm::eddsa);
  const jwt::verifier verifier(
      jwt::key::from_jwks(R"({"keys":[{"kty":"OKP","crv":"Ed25519","x":")" + std::string(ed_x) + R"("}]})"), {});
  jwt::verified_token out;
  EXPECT_EQ(verifier.verify(signer.sign({{"sub", "rfc8037"}}), out, before_exp), std::error_code{});
  EXPECT_EQ(out.user_id, "rfc8037");
}
