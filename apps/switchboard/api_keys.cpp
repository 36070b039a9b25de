#include "api_keys.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

namespace switchboard::app {
namespace {

std::array<unsigned char, 32> sha256(std::string_view text) {
  std::array<unsigned char, 32> out{};
  unsigned int size = 0;
  EVP_Digest(text.data(), text.size(), out.data(), &size, EVP_sha256(), nullptr);
  return out;
}

}  // namespace

api_keys::api_keys(const std::map<std::string, std::string>& keys) {
  for (const auto& [name, key] : keys) digests_.emplace_back(name, sha256(key));
}

std::optional<std::string> api_keys::match(std::string_view presented) const {
  const digest d = sha256(presented);
  std::optional<std::string> found;
  for (const auto& [name, expected] : digests_) {
    if (CRYPTO_memcmp(d.data(), expected.data(), d.size()) == 0) found = name;
  }
  return found;
}

std::optional<std::string_view> bearer_token(const http::request& req) {
  const auto it = req.find(boost::beast::http::field::authorization);
  if (it == req.end()) return std::nullopt;
  const std::string_view value = it->value();
  if (value.size() <= 7 || (value.substr(0, 7) != "Bearer " && value.substr(0, 7) != "bearer ")) return std::nullopt;
  return value.substr(7);
}

}  // namespace switchboard::app
