#pragma once
// The services' API keys (config [api] keys), checked in constant time.
#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "switchboard/http/types.hpp"

namespace switchboard::app {

class api_keys {
 public:
  explicit api_keys(const std::map<std::string, std::string>& keys);
  // The name of the key presented, if it is one. Keys are compared as SHA-256 digests with
  // CRYPTO_memcmp, every one of them: neither length nor content leaks through timing.
  std::optional<std::string> match(std::string_view presented) const;

 private:
  using digest = std::array<unsigned char, 32>;
  std::vector<std::pair<std::string, digest>> digests_;
};

// The token of an `Authorization: Bearer <token>` header.
std::optional<std::string_view> bearer_token(const http::request& req);

}  // namespace switchboard::app
