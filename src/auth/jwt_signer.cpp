// Signs JWTs as JWS compact serialisations (RFC 7515 §7.1).
#include <boost/json/serialize.hpp>
#include <stdexcept>

#include "jwt_crypto.hpp"
#include "switchboard/wire/base64.hpp"

namespace switchboard::auth::jwt {

signer signer::shared_secret(std::string secret, algorithm alg, std::string kid) {
  detail::check_secret_suits(alg, secret);
  return signer(std::make_shared<material>(
      material{.alg = alg, .kid = std::move(kid), .secret = std::move(secret), .pkey = {}}));
}

signer signer::private_pem(std::string_view pem, algorithm alg, std::string kid) {
  detail::pkey_ptr pkey = detail::read_pem(pem, true);
  detail::check_key_suits(alg, pkey.get());
  return signer(std::make_shared<material>(
      material{.alg = alg, .kid = std::move(kid), .secret = {}, .pkey = std::move(pkey)}));
}

std::string signer::sign(const boost::json::object& claims) const {
  boost::json::object header{{"alg", algorithm_name(material_->alg)}, {"typ", "JWT"}};
  if (!material_->kid.empty()) header["kid"] = material_->kid;
  std::string token;
  wire::append_base64url(boost::json::serialize(header), token);
  token.push_back('.');
  wire::append_base64url(boost::json::serialize(claims), token);
  const std::string signature =
      detail::sign(material_->alg, material_->secret, material_->pkey.get(), token);
  token.push_back('.');
  wire::append_base64url(signature, token);
  return token;
}

}  // namespace switchboard::auth::jwt
