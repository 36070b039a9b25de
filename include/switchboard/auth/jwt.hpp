#pragma once
/// @file
/// JSON Web Tokens (RFC 7519) signed as JWS compact serialisation (RFC 7515), verified and signed
/// with OpenSSL 3. Thread-safe once constructed: verify() and sign() may run on any thread.
#include <boost/json/object.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

/// JSON Web Tokens: verification keys, the verifier and the signer.
namespace switchboard::auth::jwt {

/// The JWS algorithms supported (HS256 ... EdDSA); `none` is not one of them.
enum class algorithm { hs256, hs384, hs512, rs256, rs384, rs512, ps256, ps384, ps512, es256, es384, eddsa };

/// Reads an algorithm's JOSE name: "HS256" -> algorithm::hs256; nullopt for "none" and every
/// name not listed above.
std::optional<algorithm> parse_algorithm(std::string_view name) noexcept;
/// The algorithm's JOSE name ("HS256").
std::string_view algorithm_name(algorithm a) noexcept;
/// Whether the algorithm is an HMAC (HS256, HS384, HS512): verified with a shared secret.
bool is_hmac(algorithm a) noexcept;

/// One verification key and the algorithms it may verify. The factories throw
/// std::invalid_argument (with the reason) on a bad key, an empty algorithm list, an algorithm
/// the key cannot serve (HS* with an asymmetric key, ES256 with a P-384 key, ...), or an HMAC
/// secret shorter than the hash output (RFC 7518 3.2). A key is a cheap, immutable copy:
/// thread-safe.
class key {
 public:
  /// An HMAC secret, for the HS* algorithms in `algorithms`; `kid` names it (empty: none).
  static key shared_secret(std::string secret, std::vector<algorithm> algorithms = {algorithm::hs256},
                           std::string kid = {});
  /// A PEM public key, "BEGIN PUBLIC KEY" (RSA >= 2048 bits, EC P-256/P-384, Ed25519), for
  /// `algorithms`; `kid` names it (empty: none).
  static key public_pem(std::string_view pem, std::vector<algorithm> algorithms, std::string kid = {});
  /// Every key of a JWK Set (RFC 7517): kty RSA, EC (P-256, P-384), OKP (Ed25519) and oct. A JWK's
  /// "alg" binds it to that algorithm; without one it gets its type's (RS256/PS256.. for RSA, the
  /// curve's ES algorithm, EdDSA; oct keys need "alg"). Keys with "use" other than "sig", and keys
  /// of another type, curve or "alg", are skipped; a malformed key throws, and so does a set
  /// left with no key.
  static std::vector<key> from_jwks(std::string_view jwks_json);

  /// The key id a token's `kid` names it by; empty: none.
  const std::string& kid() const noexcept;
  /// The algorithms this key may verify.
  const std::vector<algorithm>& algorithms() const noexcept;
  /// Whether this key may verify `a`.
  bool allows(algorithm a) const noexcept;

  struct material;  // the secret or the OpenSSL public key
  /// The key material, for the verifier (its type is internal).
  const material& get() const noexcept { return *material_; }

 private:
  explicit key(std::shared_ptr<const material> m) : material_(std::move(m)) {}
  std::shared_ptr<const material> material_;
};

/// What a verifier checks besides the signature.
struct verify_options {
  std::chrono::seconds leeway{0};       ///< Applied to exp and nbf.
  std::optional<std::string> issuer{};    ///< When set, `iss` must equal it.
  std::optional<std::string> audience{};  ///< When set, `aud` (string or array) must contain it.
  std::string user_id_claim = "sub";    ///< The claim that holds the user id: a string, or an integer written as its decimal text.
  std::size_t max_token_size = 8192;    ///< Bytes of the compact serialisation.
};

/// What a verified token says.
struct verified_token {
  std::string user_id;  ///< From verify_options::user_id_claim.
  boost::json::object claims;  ///< Every claim of the payload.
  std::optional<std::chrono::system_clock::time_point> expires_at;  ///< `exp` plus the leeway: when it stops being accepted; if `exp` is present.
};

/// Verifies tokens against a set of keys: size, structure, algorithm, key, signature, then the
/// claims (exp, nbf, iss, aud, the user id). Thread-safe once constructed.
class verifier {
 public:
  /// A verifier of the tokens that one of `keys` signed.
  verifier(std::vector<key> keys, verify_options options);

  /// Verifies `token` at time `now`; fills `out` on success.
  /// A token with a `kid` is verified with that key only (errc::key_unknown if none); without one
  /// (or with an empty one), with each key that allows its algorithm. Errors are auth::errc values,
  /// or std::errc::not_enough_memory. Never throws.
  std::error_code verify(std::string_view token, verified_token& out,
                         std::chrono::system_clock::time_point now = std::chrono::system_clock::now()) const;

 private:
  std::vector<key> keys_;
  verify_options options_;
};

/// Signs tokens: `switchboard token` and the tests. Factories throw std::invalid_argument like key's.
/// Thread-safe once constructed.
class signer {
 public:
  /// An HMAC signer (`alg` one of the HS* algorithms); `kid` goes in the header when set.
  static signer shared_secret(std::string secret, algorithm alg = algorithm::hs256, std::string kid = {});
  /// A PEM private key suited to `alg`; `kid` goes in the header when set.
  static signer private_pem(std::string_view pem, algorithm alg, std::string kid = {});

  /// A token of `claims`: header.payload.signature, with header {"alg", "typ":"JWT", "kid" when
  /// set}. Throws std::runtime_error only if OpenSSL fails.
  std::string sign(const boost::json::object& claims) const;

  struct material;

 private:
  signer(std::shared_ptr<const material> m) : material_(std::move(m)) {}
  std::shared_ptr<const material> material_;
};

}  // namespace switchboard::auth::jwt
