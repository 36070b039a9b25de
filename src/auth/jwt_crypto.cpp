#include "jwt_crypto.hpp"

#include <cstdio>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <algorithm>
#include <array>
#include <climits>
#include <stdexcept>

namespace switchboard::auth::jwt {
namespace {

enum class family { hmac, rsa_pkcs1, rsa_pss, ecdsa, eddsa };

struct traits {
  std::string_view name;
  family kind;
  const EVP_MD* (*digest)();  // nullptr for EdDSA, which hashes internally
  int curve;                  // ES*: the NID of the curve
  std::size_t part_size;      // ES*: bytes of R and of S in the JWS signature (RFC 7518 §3.4)
};

// Indexed by the value of `algorithm`.
constexpr std::array<traits, 12> table{{
    {"HS256", family::hmac, EVP_sha256, NID_undef, 0},
    {"HS384", family::hmac, EVP_sha384, NID_undef, 0},
    {"HS512", family::hmac, EVP_sha512, NID_undef, 0},
    {"RS256", family::rsa_pkcs1, EVP_sha256, NID_undef, 0},
    {"RS384", family::rsa_pkcs1, EVP_sha384, NID_undef, 0},
    {"RS512", family::rsa_pkcs1, EVP_sha512, NID_undef, 0},
    {"PS256", family::rsa_pss, EVP_sha256, NID_undef, 0},
    {"PS384", family::rsa_pss, EVP_sha384, NID_undef, 0},
    {"PS512", family::rsa_pss, EVP_sha512, NID_undef, 0},
    {"ES256", family::ecdsa, EVP_sha256, NID_X9_62_prime256v1, 32},
    {"ES384", family::ecdsa, EVP_sha384, NID_secp384r1, 48},
    {"EdDSA", family::eddsa, nullptr, NID_undef, 0},
}};

const traits& traits_of(algorithm a) noexcept { return table[static_cast<std::size_t>(a)]; }

const EVP_MD* digest_of(algorithm a) noexcept {
  const auto digest = traits_of(a).digest;
  return digest == nullptr ? nullptr : digest();
}

using md_ctx_ptr = detail::openssl_ptr<EVP_MD_CTX, EVP_MD_CTX_free>;
using pkey_ctx_ptr = detail::openssl_ptr<EVP_PKEY_CTX, EVP_PKEY_CTX_free>;
using bio_ptr = detail::openssl_ptr<BIO, BIO_free>;
using bn_ptr = detail::openssl_ptr<BIGNUM, BN_free>;
using ecdsa_sig_ptr = detail::openssl_ptr<ECDSA_SIG, ECDSA_SIG_free>;

[[noreturn]] void refuse(algorithm alg, std::string_view why) {
  throw std::invalid_argument("jwt: " + std::string(algorithm_name(alg)) + " " + std::string(why));
}

// Never prompts on the terminal for an encrypted PEM, as OpenSSL's default callback would.
int no_password(char*, int, int, void*) { return -1; }

// RFC 7518 §3.5: the salt is as long as the hash, and MGF1 uses the same hash.
bool set_pss(EVP_PKEY_CTX* pctx, const EVP_MD* md) noexcept {
  return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) > 0 &&
         EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) > 0 &&
         EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md) > 0;
}

// An EVP context ready to sign or verify with alg; nullptr on failure.
md_ctx_ptr start(algorithm alg, EVP_PKEY* pkey, bool signing) noexcept {
  md_ctx_ptr ctx(EVP_MD_CTX_new());
  if (!ctx) return nullptr;
  EVP_PKEY_CTX* pctx = nullptr;
  const EVP_MD* md = digest_of(alg);
  const int started = signing ? EVP_DigestSignInit(ctx.get(), &pctx, md, nullptr, pkey)
                              : EVP_DigestVerifyInit(ctx.get(), &pctx, md, nullptr, pkey);
  if (started != 1) return nullptr;
  if (traits_of(alg).kind == family::rsa_pss && !set_pss(pctx, md)) return nullptr;
  return ctx;
}

namespace {

using mac_ctx_ptr = std::unique_ptr<EVP_MAC_CTX, decltype(&EVP_MAC_CTX_free)>;

// An HMAC context keyed with `secret`, kept per thread for the last (algorithm, secret) used and
// copied for each token: OpenSSL 3's one-shot HMAC() fetches its algorithms on every call, which
// made it a fifth of the cost of a connection handshake.
EVP_MAC_CTX* keyed_hmac(algorithm alg, std::string_view secret) noexcept {
  struct cached {
    algorithm alg{};
    std::string secret;
    mac_ctx_ptr ctx{nullptr, EVP_MAC_CTX_free};
    ~cached() { OPENSSL_cleanse(secret.data(), secret.size()); }
  };
  thread_local cached last;
  if (last.ctx && last.alg == alg && last.secret == secret) return last.ctx.get();
  static EVP_MAC* const hmac_algorithm = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  if (!hmac_algorithm) return nullptr;
  mac_ctx_ptr ctx(EVP_MAC_CTX_new(hmac_algorithm), EVP_MAC_CTX_free);
  char digest[32] = {};
  std::snprintf(digest, sizeof digest, "%s", EVP_MD_get0_name(digest_of(alg)));
  const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0), OSSL_PARAM_construct_end()};
  if (!ctx || EVP_MAC_init(ctx.get(), reinterpret_cast<const unsigned char*>(secret.data()), secret.size(), params) != 1) {
    return nullptr;
  }
  OPENSSL_cleanse(last.secret.data(), last.secret.size());
  last.alg = alg;
  last.secret.assign(secret);
  last.ctx = std::move(ctx);
  return last.ctx.get();
}

}  // namespace

bool hmac(algorithm alg, std::string_view secret, std::string_view input, unsigned char* mac,
          unsigned int& size) noexcept {
  EVP_MAC_CTX* keyed = keyed_hmac(alg, secret);
  if (!keyed) return false;
  const mac_ctx_ptr ctx(EVP_MAC_CTX_dup(keyed), EVP_MAC_CTX_free);
  std::size_t written = 0;
  if (!ctx || EVP_MAC_update(ctx.get(), reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1 ||
      EVP_MAC_final(ctx.get(), mac, &written, EVP_MAX_MD_SIZE) != 1) {
    return false;
  }
  size = static_cast<unsigned int>(written);
  return true;
}

// JWS R||S as the DER ECDSA-Sig-Value OpenSSL verifies; false if it is not 2 * part_size bytes.
bool raw_to_der(std::string_view raw, std::size_t part_size, unsigned char* der, std::size_t capacity,
                std::size_t& size) noexcept {
  if (raw.size() != 2 * part_size) return false;
  const auto* bytes = reinterpret_cast<const unsigned char*>(raw.data());
  bn_ptr r(BN_bin2bn(bytes, static_cast<int>(part_size), nullptr));
  bn_ptr s(BN_bin2bn(bytes + part_size, static_cast<int>(part_size), nullptr));
  ecdsa_sig_ptr sig(ECDSA_SIG_new());
  if (!r || !s || !sig || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) return false;
  r.release();  // owned by sig now
  s.release();
  const int length = i2d_ECDSA_SIG(sig.get(), nullptr);
  if (length <= 0 || static_cast<std::size_t>(length) > capacity) return false;
  unsigned char* out = der;
  i2d_ECDSA_SIG(sig.get(), &out);
  size = static_cast<std::size_t>(length);
  return true;
}

std::string der_to_raw(std::string_view der, std::size_t part_size) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  ecdsa_sig_ptr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
  if (!sig) throw std::runtime_error("jwt: OpenSSL returned an unreadable ECDSA signature");
  std::string raw(2 * part_size, '\0');
  auto* out = reinterpret_cast<unsigned char*>(raw.data());
  const int size = static_cast<int>(part_size);
  if (BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), out, size) != size ||
      BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), out + part_size, size) != size) {
    throw std::runtime_error("jwt: OpenSSL returned an ECDSA signature too large for its curve");
  }
  return raw;
}

bool verify_asymmetric(algorithm alg, EVP_PKEY* pkey, std::string_view input,
                       std::string_view signature) noexcept {
  if (pkey == nullptr) return false;
  const md_ctx_ptr ctx = start(alg, pkey, false);
  if (!ctx) return false;
  std::array<unsigned char, 128> der{};  // ES384's DER signature is at most 104 bytes
  const auto* sig = reinterpret_cast<const unsigned char*>(signature.data());
  std::size_t sig_size = signature.size();
  const family kind = traits_of(alg).kind;
  if (kind == family::ecdsa) {
    if (!raw_to_der(signature, traits_of(alg).part_size, der.data(), der.size(), sig_size)) return false;
    sig = der.data();
  }
  // An RSA signature is exactly the modulus size (RFC 8017 8.1.2, 8.2.2); OpenSSL would also take
  // one with its leading zero bytes cut, a second spelling of the same token.
  if ((kind == family::rsa_pkcs1 || kind == family::rsa_pss) &&
      sig_size != static_cast<std::size_t>(EVP_PKEY_get_size(pkey))) {
    return false;
  }
  return EVP_DigestVerify(ctx.get(), sig, sig_size, reinterpret_cast<const unsigned char*>(input.data()),
                          input.size()) == 1;
}

}  // namespace

std::optional<algorithm> parse_algorithm(std::string_view name) noexcept {
  for (std::size_t i = 0; i < table.size(); ++i) {
    if (table[i].name == name) return static_cast<algorithm>(i);
  }
  return std::nullopt;
}

std::string_view algorithm_name(algorithm a) noexcept { return traits_of(a).name; }

bool is_hmac(algorithm a) noexcept { return traits_of(a).kind == family::hmac; }

namespace detail {

void check_key_suits(algorithm alg, EVP_PKEY* pkey) {
  switch (traits_of(alg).kind) {
    case family::hmac:
      refuse(alg, "takes a shared secret, never an asymmetric key");
    case family::rsa_pkcs1:
    case family::rsa_pss:
      if (EVP_PKEY_is_a(pkey, "RSA") != 1) refuse(alg, "needs an RSA key");
      if (EVP_PKEY_get_bits(pkey) < 2048) refuse(alg, "needs an RSA key of at least 2048 bits");
      return;
    case family::ecdsa: {
      if (EVP_PKEY_is_a(pkey, "EC") != 1) refuse(alg, "needs an EC key");
      std::array<char, 80> group{};
      std::size_t length = 0;
      if (EVP_PKEY_get_group_name(pkey, group.data(), group.size(), &length) != 1 ||
          OBJ_txt2nid(group.data()) != traits_of(alg).curve) {
        refuse(alg, traits_of(alg).curve == NID_secp384r1 ? "needs a P-384 key" : "needs a P-256 key");
      }
      const pkey_ctx_ptr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr));
      if (!ctx || EVP_PKEY_public_check(ctx.get()) != 1) {
        ERR_clear_error();
        refuse(alg, "key is not a valid point on its curve");
      }
      return;
    }
    case family::eddsa:
      if (EVP_PKEY_is_a(pkey, "ED25519") != 1) refuse(alg, "needs an Ed25519 key (Ed448 is not supported)");
      return;
  }
}

void check_secret_suits(algorithm alg, std::string_view secret) {
  if (!is_hmac(alg)) refuse(alg, "needs an asymmetric key, not a shared secret");
  const auto hash_size = static_cast<std::size_t>(EVP_MD_get_size(digest_of(alg)));
  if (secret.size() < hash_size) {
    refuse(alg, "needs a secret of at least " + std::to_string(hash_size) + " bytes (RFC 7518 3.2)");
  }
}

pkey_ptr read_pem(std::string_view pem, bool private_key) {
  const bio_ptr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(std::min<std::size_t>(pem.size(), INT_MAX))));
  pkey_ptr pkey(bio == nullptr ? nullptr
                : private_key  ? PEM_read_bio_PrivateKey(bio.get(), nullptr, no_password, nullptr)
                               : PEM_read_bio_PUBKEY(bio.get(), nullptr, no_password, nullptr));
  if (!pkey) {
    ERR_clear_error();
    throw std::invalid_argument(private_key ? "jwt: not a PEM private key (or an encrypted one)"
                                            : "jwt: not a PEM public key (BEGIN PUBLIC KEY)");
  }
  return pkey;
}

bool verify(algorithm alg, std::string_view secret, EVP_PKEY* pkey, std::string_view input,
            std::string_view signature) noexcept {
  bool ok = false;
  if (traits_of(alg).kind == family::hmac) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
    unsigned int size = 0;
    ok = hmac(alg, secret, input, mac.data(), size) && signature.size() == size &&
         CRYPTO_memcmp(mac.data(), signature.data(), size) == 0;
  } else {
    ok = verify_asymmetric(alg, pkey, input, signature);
  }
  // A failed check leaves reasons on this thread's queue, where a later TLS call would find them.
  if (!ok) ERR_clear_error();
  return ok;
}

std::string sign(algorithm alg, std::string_view secret, EVP_PKEY* pkey, std::string_view input) {
  const auto fail = [] {
    ERR_clear_error();
    throw std::runtime_error("jwt: OpenSSL could not sign");
  };
  if (traits_of(alg).kind == family::hmac) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
    unsigned int size = 0;
    if (!hmac(alg, secret, input, mac.data(), size)) fail();
    return std::string(reinterpret_cast<const char*>(mac.data()), size);
  }
  const md_ctx_ptr ctx = start(alg, pkey, true);
  const auto* data = reinterpret_cast<const unsigned char*>(input.data());
  std::size_t size = 0;
  if (!ctx || EVP_DigestSign(ctx.get(), nullptr, &size, data, input.size()) != 1) fail();
  std::string signature(size, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &size, data,
                     input.size()) != 1) {
    fail();
  }
  signature.resize(size);
  if (traits_of(alg).kind == family::ecdsa) return der_to_raw(signature, traits_of(alg).part_size);
  return signature;
}

}  // namespace detail
}  // namespace switchboard::auth::jwt
