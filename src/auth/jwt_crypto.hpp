#pragma once
// The key material behind jwt::key and jwt::signer, and the OpenSSL 3 EVP calls that make and
// check JWS signatures (RFC 7518 §3) (private to the auth layer). Thread-safe: nothing here
// mutates a key, and every call makes its own contexts.
#include <openssl/evp.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "switchboard/auth/jwt.hpp"

namespace switchboard::auth::jwt {

namespace detail {

template <auto free_fn>
struct openssl_free {
  template <typename T>
  void operator()(T* p) const noexcept {
    free_fn(p);
  }
};

template <typename T, auto free_fn>
using openssl_ptr = std::unique_ptr<T, openssl_free<free_fn>>;

using pkey_ptr = openssl_ptr<EVP_PKEY, EVP_PKEY_free>;

// Throws std::invalid_argument unless `pkey` can serve `alg`: RSA of 2048 bits or more for RS*
// and PS*, a valid point on P-256 / P-384 for ES256 / ES384, Ed25519 for EdDSA; never HS*.
void check_key_suits(algorithm alg, EVP_PKEY* pkey);

// Throws std::invalid_argument unless `alg` is HS* and `secret` is at least as long as its hash
// output (RFC 7518 §3.2).
void check_secret_suits(algorithm alg, std::string_view secret);

// A PEM SubjectPublicKeyInfo ("BEGIN PUBLIC KEY"), or a PEM private key when `private_key`.
// Throws std::invalid_argument; an encrypted private key is refused, never prompted for.
pkey_ptr read_pem(std::string_view pem, bool private_key);

// Whether `signature` (raw R||S for ECDSA) is alg's signature of `input` under `secret` (HS*) or
// `pkey` (every other algorithm). HMACs are compared in constant time. A failure leaves nothing
// on the thread's OpenSSL error queue.
bool verify(algorithm alg, std::string_view secret, EVP_PKEY* pkey, std::string_view input,
            std::string_view signature) noexcept;

// alg's signature of `input`, raw R||S for ECDSA. Throws std::runtime_error if OpenSSL fails.
std::string sign(algorithm alg, std::string_view secret, EVP_PKEY* pkey, std::string_view input);

}  // namespace detail

struct key::material {
  std::vector<algorithm> algorithms;
  std::string kid;
  std::string secret;    // HS*
  detail::pkey_ptr pkey;  // every other algorithm
};

struct signer::material {
  algorithm alg;
  std::string kid;
  std::string secret;    // HS*
  detail::pkey_ptr pkey;  // every other algorithm
};

}  // namespace switchboard::auth::jwt
