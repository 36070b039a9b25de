#pragma once
// JSON Web Tokens (RFC 7519) signed as JWS compact serialisation (RFC 7515), verified and signed
// with OpenSSL 3. Thread-safe once constructed: verify() and sign() may run on any thread.
#include <boost/json/object.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace switchboard::auth::jwt {

enum class algorithm { hs256, hs384, hs512, rs256, rs384, rs512, ps256, ps384, ps512, es256, es384, eddsa };

// "HS256" -> algorithm::hs256; nullopt for "none" and every name not listed above.
std::optional<algorithm> parse_algorithm(std::string_view name) noexcept;
std::string_view algorithm_name(algorithm a) noexcept;
bool is_hmac(algorithm a) noexcept;

// One verification key and the algorithms it may verify. The factories throw
// std::invalid_argument (with the reason) on a bad key, an empty algorithm list, an algorithm
// the key cannot serve (HS* with an asymmetric key, ES256 with a P-384 key, ...), or an HMAC
// secret shorter than the hash output (RFC 7518 3.2).
class key {
 public:
  static key shared_secret(std::string secret, std::vector<algorithm> algorithms = {algorithm::hs256},
                           std::string kid = {});
  // A PEM public key, "BEGIN PUBLIC KEY" (RSA >= 2048 bits, EC P-256/P-384, Ed25519).
  static key public_pem(std::string_view pem, std::vector<algorithm> algorithms, std::string kid = {});
  // Every key of a JWK Set (RFC 7517): kty RSA, EC (P-256, P-384), OKP (Ed25519) and oct. A JWK's
  // "alg" binds it to that algorithm; without one it gets its type's (RS256/PS256.. for RSA, the
  // curve's ES algorithm, EdDSA; oct keys need "alg"). Keys with "use" other than "sig", and keys
  // of another type, curve or "alg", are skipped; a malformed key throws, and so does a set
  // left with no key.
  static std::vector<key> from_jwks(std::string_view jwks_json);

  const std::string& kid() const noexcept;
  const std::vector<algorithm>& algorithms() const noexcept;
  bool allows(algorithm a) const noexcept;

  struct material;  // the secret or the OpenSSL public key
  const material& get() const noexcept { return *material_; }

 private:
  explicit key(std::shared_ptr<const material> m) : material_(std::move(m)) {}
  std::shared_ptr<const material> material_;
};

struct verify_options {
  std::chrono::seconds leeway{0};       // applied to exp and nbf
  std::optional<std::string> issuer{};    // when set, `iss` must equal it
  std::optional<std::string> audience{};  // when set, `aud` (string or array) must contain it
  std::string user_id_claim = "sub";    // a string, or an integer written as its decimal text
  std::size_t max_token_size = 8192;    // bytes of the compact serialisation
};

// What a verified token says.
struct verified_token {
  std::string user_id;
  boost::json::object claims;
  std::optional<std::chrono::system_clock::time_point> expires_at;  // from `exp`
};

class verifier {
 public:
  verifier(std::vector<key> keys, verify_options options);

  // A token with a `kid` is verified with that key only (errc::key_unknown if none); without one
  // (or with an empty one), with each key that allows its algorithm. Errors are auth::errc values,
  // or std::errc::not_enough_memory. Never throws.
  std::error_code verify(std::string_view token, verified_token& out,
                         std::chrono::system_clock::time_point now = std::chrono::system_clock::now()) const;

 private:
  std::vector<key> keys_;
  verify_options options_;
};

// Signs tokens: `switchboard token` and the tests. Factories throw std::invalid_argument like key's.
class signer {
 public:
  static signer shared_secret(std::string secret, algorithm alg = algorithm::hs256, std::string kid = {});
  // A PEM private key suited to `alg`.
  static signer private_pem(std::string_view pem, algorithm alg, std::string kid = {});

  // header.payload.signature, with header {"alg", "typ":"JWT", "kid" when set}. Throws
  // std::runtime_error only if OpenSSL fails.
  std::string sign(const boost::json::object& claims) const;

  struct material;

 private:
  signer(std::shared_ptr<const material> m) : material_(std::move(m)) {}
  std::shared_ptr<const material> material_;
};

}  // namespace switchboard::auth::jwt
