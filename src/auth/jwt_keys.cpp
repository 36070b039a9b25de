// Verification keys: shared secrets, PEM public keys and JWK Sets (RFC 7517, RFC 7518 §6,
// RFC 8037 §2), each bound to the algorithms it may verify.
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/param_build.h>

#include <algorithm>
#include <array>
#include <boost/json/parse.hpp>
#include <stdexcept>

#include "jwt_crypto.hpp"
#include "switchboard/wire/base64.hpp"

namespace switchboard::auth::jwt {
namespace {

namespace json = boost::json;
using detail::pkey_ptr;

using bn_ptr = detail::openssl_ptr<BIGNUM, BN_free>;
using param_bld_ptr = detail::openssl_ptr<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>;
using params_ptr = detail::openssl_ptr<OSSL_PARAM, OSSL_PARAM_free>;
using pkey_ctx_ptr = detail::openssl_ptr<EVP_PKEY_CTX, EVP_PKEY_CTX_free>;

struct curve {
  std::string_view crv;    // the JWK name
  std::string_view group;  // OpenSSL's name
  std::size_t coordinate_size;
  algorithm alg;
};

constexpr std::array<curve, 2> curves{{
    {"P-256", "prime256v1", 32, algorithm::es256},
    {"P-384", "secp384r1", 48, algorithm::es384},
}};

constexpr std::size_t ed25519_key_size = 32;

[[noreturn]] void bad_jwk(std::string_view why) {
  throw std::invalid_argument("jwt: JWK set: " + std::string(why));
}

void require_algorithms(const std::vector<algorithm>& algorithms) {
  if (algorithms.empty()) throw std::invalid_argument("jwt: a key needs at least one algorithm");
}

// A string member, or nullptr when absent; a member of another type is refused.
const json::string* string_member(const json::object& jwk, std::string_view name) {
  const json::value* v = jwk.if_contains(name);
  if (v == nullptr) return nullptr;
  if (!v->is_string()) bad_jwk("\"" + std::string(name) + "\" is not a string");
  return &v->get_string();
}

std::string bytes_member(const json::object& jwk, std::string_view name) {
  const json::string* text = string_member(jwk, name);
  if (text == nullptr) bad_jwk("a key without \"" + std::string(name) + "\"");
  std::string bytes;
  if (wire::decode_base64url(*text, bytes) || bytes.empty()) {
    bad_jwk("\"" + std::string(name) + "\" is not base64url");
  }
  return bytes;
}

pkey_ptr from_data(const char* type, OSSL_PARAM_BLD* bld) {
  const params_ptr params(OSSL_PARAM_BLD_to_param(bld));
  const pkey_ctx_ptr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* pkey = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &pkey, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    ERR_clear_error();
    bad_jwk(std::string("an invalid ") + type + " key");
  }
  return pkey_ptr(pkey);
}

pkey_ptr rsa_key(const json::object& jwk) {
  const std::string n = bytes_member(jwk, "n");
  const std::string e = bytes_member(jwk, "e");
  const bn_ptr bn_n(BN_bin2bn(reinterpret_cast<const unsigned char*>(n.data()), static_cast<int>(n.size()), nullptr));
  const bn_ptr bn_e(BN_bin2bn(reinterpret_cast<const unsigned char*>(e.data()), static_cast<int>(e.size()), nullptr));
  const param_bld_ptr bld(OSSL_PARAM_BLD_new());
  if (!bn_n || !bn_e || !bld || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()) != 1) {
    ERR_clear_error();
    bad_jwk("an invalid RSA key");
  }
  return from_data("RSA", bld.get());
}

// RFC 7518 §6.2.1: x and y are the full-length big-endian coordinates.
pkey_ptr ec_key(const json::object& jwk, const curve& c) {
  const std::string x = bytes_member(jwk, "x");
  const std::string y = bytes_member(jwk, "y");
  if (x.size() != c.coordinate_size || y.size() != c.coordinate_size) {
    bad_jwk("EC coordinates of the wrong length for " + std::string(c.crv));
  }
  const std::string point = '\x04' + x + y;  // SEC 1 uncompressed form
  const param_bld_ptr bld(OSSL_PARAM_BLD_new());
  if (!bld || OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, c.group.data(), 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) != 1) {
    ERR_clear_error();
    bad_jwk("an invalid EC key");
  }
  return from_data("EC", bld.get());
}

pkey_ptr ed25519_key(const json::object& jwk) {
  const std::string x = bytes_member(jwk, "x");
  if (x.size() != ed25519_key_size) bad_jwk("an Ed25519 key whose \"x\" is not 32 bytes");
  const param_bld_ptr bld(OSSL_PARAM_BLD_new());
  if (!bld || OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, x.data(), x.size()) != 1) {
    ERR_clear_error();
    bad_jwk("an invalid Ed25519 key");
  }
  return from_data("ED25519", bld.get());
}

// One JWK's material, or nullptr for a key this verifier does not use: one for encryption, or
// of a type, curve or algorithm it does not support. A malformed key of a supported type throws.
std::shared_ptr<key::material> jwk_material(const json::object& jwk) {
  const json::string* kty = string_member(jwk, "kty");
  if (kty == nullptr) bad_jwk("a key without \"kty\"");
  if (const json::string* use = string_member(jwk, "use"); use != nullptr && *use != "sig") return nullptr;
  std::optional<algorithm> alg;
  if (const json::string* name = string_member(jwk, "alg")) {
    alg = parse_algorithm(*name);
    if (!alg) return nullptr;
  }
  key::material m;
  if (const json::string* kid = string_member(jwk, "kid")) m.kid = std::string_view(*kid);

  if (*kty == "oct") {
    if (!alg) bad_jwk("an oct key needs \"alg\"");
    m.secret = bytes_member(jwk, "k");
    detail::check_secret_suits(*alg, m.secret);
    m.algorithms = {*alg};
    return std::make_shared<key::material>(std::move(m));
  }
  if (*kty == "RSA") {
    m.pkey = rsa_key(jwk);
    m.algorithms = {algorithm::rs256, algorithm::rs384, algorithm::rs512,
                    algorithm::ps256, algorithm::ps384, algorithm::ps512};
  } else if (*kty == "EC" || *kty == "OKP") {
    const json::string* crv = string_member(jwk, "crv");
    if (crv == nullptr) bad_jwk("a key without \"crv\"");
    if (*kty == "OKP") {
      if (*crv != "Ed25519") return nullptr;
      m.pkey = ed25519_key(jwk);
      m.algorithms = {algorithm::eddsa};
    } else {
      const auto c = std::ranges::find(curves, std::string_view(*crv), &curve::crv);
      if (c == curves.end()) return nullptr;
      m.pkey = ec_key(jwk, *c);
      m.algorithms = {c->alg};
    }
  } else {
    return nullptr;
  }
  if (alg) m.algorithms = {*alg};
  for (const algorithm a : m.algorithms) detail::check_key_suits(a, m.pkey.get());
  return std::make_shared<key::material>(std::move(m));
}

}  // namespace

key key::shared_secret(std::string secret, std::vector<algorithm> algorithms, std::string kid) {
  require_algorithms(algorithms);
  for (const algorithm a : algorithms) detail::check_secret_suits(a, secret);
  return key(std::make_shared<material>(
      material{.algorithms = std::move(algorithms), .kid = std::move(kid), .secret = std::move(secret), .pkey = {}}));
}

key key::public_pem(std::string_view pem, std::vector<algorithm> algorithms, std::string kid) {
  require_algorithms(algorithms);
  pkey_ptr pkey = detail::read_pem(pem, false);
  for (const algorithm a : algorithms) detail::check_key_suits(a, pkey.get());
  return key(std::make_shared<material>(
      material{.algorithms = std::move(algorithms), .kid = std::move(kid), .secret = {}, .pkey = std::move(pkey)}));
}

std::vector<key> key::from_jwks(std::string_view jwks_json) {
  json::parse_options options;
  options.max_depth = 8;
  boost::system::error_code ec;
  const json::value set = json::parse(jwks_json, ec, {}, options);
  const json::value* keys = ec || !set.is_object() ? nullptr : set.get_object().if_contains("keys");
  if (keys == nullptr || !keys->is_array()) bad_jwk("not a JSON object with a \"keys\" array");
  std::vector<key> out;
  for (const json::value& jwk : keys->get_array()) {
    if (!jwk.is_object()) bad_jwk("a key that is not a JSON object");
    if (auto m = jwk_material(jwk.get_object())) out.push_back(key(std::move(m)));
  }
  if (out.empty()) bad_jwk("no key usable for signatures");
  return out;
}

const std::string& key::kid() const noexcept { return material_->kid; }

const std::vector<algorithm>& key::algorithms() const noexcept { return material_->algorithms; }

bool key::allows(algorithm a) const noexcept {
  return std::ranges::find(material_->algorithms, a) != material_->algorithms.end();
}

}  // namespace switchboard::auth::jwt
