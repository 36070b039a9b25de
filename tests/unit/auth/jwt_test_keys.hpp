#pragma once
// Keys made at test time with OpenSSL (EVP_PKEY_Q_keygen), exported as PEM and as public JWKs,
// and helpers that build tokens byte by byte, independently of jwt::signer.
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <array>
#include <boost/json/object.hpp>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "switchboard/wire/base64.hpp"

namespace jwt_test {

using pkey_ptr = std::shared_ptr<EVP_PKEY>;

inline std::string b64url(std::string_view bytes) {
  std::string out;
  switchboard::wire::append_base64url(bytes, out);
  return out;
}

inline std::string unb64url(std::string_view text) {
  std::string out;
  if (switchboard::wire::decode_base64url(text, out)) throw std::invalid_argument("not base64url");
  return out;
}

// header.payload.signature from raw JSON texts and an already encoded signature.
inline std::string token(std::string_view header, std::string_view payload, std::string_view signature = "") {
  return b64url(header) + "." + b64url(payload) + "." + std::string(signature);
}

inline std::string hmac(const EVP_MD* md, std::string_view secret, std::string_view input) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int size = 0;
  HMAC(md, secret.data(), static_cast<int>(secret.size()), reinterpret_cast<const unsigned char*>(input.data()),
       input.size(), mac.data(), &size);
  return std::string(reinterpret_cast<const char*>(mac.data()), size);
}

// A token with any header and payload text, HS256-signed with `secret`.
inline std::string hs256_token(std::string_view header, std::string_view payload, std::string_view secret) {
  const std::string input = b64url(header) + "." + b64url(payload);
  return input + "." + b64url(hmac(EVP_sha256(), secret, input));
}

// An RSA-PSS signature with a chosen salt length, to prove the verifier insists on its own.
inline std::string pss_sign(EVP_PKEY* pkey, const EVP_MD* md, int salt_length, std::string_view input) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_PKEY_CTX* pctx = nullptr;
  std::string signature(512, '\0');
  std::size_t size = signature.size();
  if (EVP_DigestSignInit(ctx.get(), &pctx, md, nullptr, pkey) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
      EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, salt_length) != 1 ||
      EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &size,
                     reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1) {
    throw std::runtime_error("PSS signing failed");
  }
  signature.resize(size);
  return signature;
}

struct key_pair {
  pkey_ptr pkey;  // the private key
  std::string private_pem;
  std::string public_pem;
  boost::json::object jwk;  // the public key, without "alg", "kid" or "use"
};

inline std::string to_pem(EVP_PKEY* pkey, bool private_key) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  const int ok = private_key ? PEM_write_bio_PrivateKey(bio.get(), pkey, nullptr, nullptr, 0, nullptr, nullptr)
                             : PEM_write_bio_PUBKEY(bio.get(), pkey);
  if (ok != 1) throw std::runtime_error("PEM export failed");
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

inline std::string bn_param(EVP_PKEY* pkey, const char* name) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(pkey, name, &bn) != 1) throw std::runtime_error("no such parameter");
  std::string bytes(static_cast<std::size_t>(BN_num_bytes(bn)), '\0');
  BN_bn2bin(bn, reinterpret_cast<unsigned char*>(bytes.data()));
  BN_free(bn);
  return bytes;
}

inline boost::json::object jwk_of(EVP_PKEY* pkey) {
  if (EVP_PKEY_is_a(pkey, "RSA") == 1) {
    return {{"kty", "RSA"}, {"n", b64url(bn_param(pkey, OSSL_PKEY_PARAM_RSA_N))},
            {"e", b64url(bn_param(pkey, OSSL_PKEY_PARAM_RSA_E))}};
  }
  std::array<unsigned char, 160> pub{};
  std::size_t size = 0;
  if (EVP_PKEY_is_a(pkey, "EC") == 1) {
    // The encoded point is 04 || x || y, each coordinate at the curve's full length.
    if (EVP_PKEY_get_octet_string_param(pkey, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, pub.data(), pub.size(), &size) != 1) {
      throw std::runtime_error("no EC point");
    }
    const std::string_view point(reinterpret_cast<const char*>(pub.data()), size);
    const std::size_t half = (size - 1) / 2;
    return {{"kty", "EC"}, {"crv", half == 32 ? "P-256" : "P-384"}, {"x", b64url(point.substr(1, half))},
            {"y", b64url(point.substr(1 + half))}};
  }
  size = pub.size();
  if (EVP_PKEY_get_raw_public_key(pkey, pub.data(), &size) != 1) throw std::runtime_error("no OKP key");
  return {{"kty", "OKP"},
          {"crv", EVP_PKEY_is_a(pkey, "ED25519") == 1 ? "Ed25519" : "Ed448"},
          {"x", b64url(std::string_view(reinterpret_cast<const char*>(pub.data()), size))}};
}

inline key_pair make_pair(EVP_PKEY* generated) {
  if (generated == nullptr) throw std::runtime_error("key generation failed");
  pkey_ptr pkey(generated, EVP_PKEY_free);
  return {pkey, to_pem(pkey.get(), true), to_pem(pkey.get(), false), jwk_of(pkey.get())};
}

// Made once per test binary, since RSA key generation is the slow part.
struct keyring {
  key_pair rsa_a = make_pair(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{2048}));
  key_pair rsa_b = make_pair(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{2048}));
  key_pair rsa_1024 = make_pair(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{1024}));
  key_pair p256 = make_pair(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  key_pair p384 = make_pair(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384"));
  key_pair ed25519 = make_pair(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  key_pair ed448 = make_pair(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED448"));
};

inline const keyring& keys() {
  static const keyring ring;
  return ring;
}

}  // namespace jwt_test
