#include "switchboard/auth/session_store.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <stdexcept>

#include "switchboard/auth/error.hpp"
#include "switchboard/wire/base64.hpp"

namespace switchboard::auth {
namespace {

constexpr std::string_view token_prefix = "sbs_";
constexpr std::size_t token_random_bytes = 32;
constexpr std::size_t token_text_length = 43;  // base64url of 32 bytes, unpadded

bool is_base64url_char(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

std::string random_token() {
  std::array<unsigned char, token_random_bytes> random{};
  if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1) {
    throw std::runtime_error("OpenSSL RAND_bytes failed");
  }
  std::string token(token_prefix);
  wire::append_base64url(std::string_view(reinterpret_cast<const char*>(random.data()), random.size()), token);
  return token;
}

}  // namespace

bool looks_like_session_token(std::string_view token) noexcept {
  if (!token.starts_with(token_prefix) || token.size() != token_prefix.size() + token_text_length) return false;
  for (char c : token.substr(token_prefix.size())) {
    if (!is_base64url_char(c)) return false;
  }
  return true;
}

std::string session_id_of(std::string_view token) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  if (EVP_Digest(token.data(), token.size(), digest.data(), &size, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("OpenSSL SHA-256 failed");
  }
  std::string hex;
  wire::append_hex(std::string_view(reinterpret_cast<const char*>(digest.data()), size), hex);
  return hex;
}

std::error_code create_session(session_store& store, std::string user_id, std::chrono::seconds ttl,
                               issued_session& out) {
  out.token = random_token();
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  out.record = session_record{.id = session_id_of(out.token),
                              .user_id = std::move(user_id),
                              .created_at = now,
                              .expires_at = now + ttl,
                              .revoked = false};
  return store.insert(out.record);
}

}  // namespace switchboard::auth
