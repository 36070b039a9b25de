#include "bcrypt.hpp"

#include <crypt.h>
#include <openssl/crypto.h>

#include <memory>
#include <stdexcept>
#include <string>

#include "switchboard/admin/instrument.hpp"

namespace switchboard::admin {

// "$2b$10$" then 53 characters of bcrypt's base64 (22 of salt, 31 of hash).
bool is_bcrypt_hash(std::string_view hash) noexcept {
  if (hash.size() != 60 || !(hash.starts_with("$2a$") || hash.starts_with("$2b$") || hash.starts_with("$2y$"))) return false;
  if (hash[6] != '$' || hash[4] < '0' || hash[4] > '3' || hash[5] < '0' || hash[5] > '9') return false;
  const int cost = (hash[4] - '0') * 10 + (hash[5] - '0');
  if (cost < 4 || cost > 31) return false;
  for (const char c : hash.substr(7)) {
    const bool alphabet = c == '.' || c == '/' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alphabet) return false;
  }
  return true;
}

std::string bcrypt_hash(std::string_view password, int cost) {
  if (password.size() > 72 || password.find('\0') != std::string_view::npos) {
    throw std::invalid_argument("a bcrypt password has at most 72 bytes and no NUL byte");
  }
  char salt[CRYPT_GENSALT_OUTPUT_SIZE];
  if (crypt_gensalt_rn("$2b$", static_cast<unsigned long>(cost), nullptr, 0, salt, sizeof salt) == nullptr) {
    throw std::runtime_error("crypt_gensalt_rn failed: no bcrypt salt");
  }
  auto data = std::make_unique<crypt_data>();
  const std::string phrase(password);
  const char* hash = crypt_r(phrase.c_str(), salt, data.get());
  if (hash == nullptr || hash[0] == '*') throw std::runtime_error("crypt_r failed: no bcrypt hash");
  return hash;
}

namespace detail {

bool bcrypt_matches(std::string_view password, std::string_view hash) {
  if (!is_bcrypt_hash(hash) || password.size() > 1024 || password.find('\0') != std::string_view::npos) return false;
  const std::string phrase(password);
  const std::string setting(hash);
  auto data = std::make_unique<crypt_data>();  // about 32 KiB: not on the stack
  const char* computed = crypt_r(phrase.c_str(), setting.c_str(), data.get());
  if (computed == nullptr || computed[0] == '*') return false;  // libxcrypt's failure tokens start with '*'
  const std::string_view result(computed);
  return result.size() == hash.size() && CRYPTO_memcmp(result.data(), hash.data(), hash.size()) == 0;
}

}  // namespace detail
}  // namespace switchboard::admin
