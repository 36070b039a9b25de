#include "switchboard/http/secure_random.hpp"

#include <openssl/rand.h>

#include <array>
#include <cstring>
#include <stdexcept>

namespace switchboard::http {

namespace {

struct pool {
  std::array<unsigned char, 4096> bytes;
  std::size_t used = bytes.size();

  ~pool() { std::memset(bytes.data(), 0, bytes.size()); }  // what was not handed out leaves no trace
};

}  // namespace

void secure_random(std::span<unsigned char> out) {
  thread_local pool random;
  while (!out.empty()) {
    if (random.used == random.bytes.size()) {
      if (RAND_bytes(random.bytes.data(), static_cast<int>(random.bytes.size())) != 1) {
        throw std::runtime_error("OpenSSL RAND_bytes failed");
      }
      random.used = 0;
    }
    const std::size_t n = std::min(out.size(), random.bytes.size() - random.used);
    std::memcpy(out.data(), random.bytes.data() + random.used, n);
    std::memset(random.bytes.data() + random.used, 0, n);  // each byte is handed out once
    random.used += n;
    out = out.subspan(n);
  }
}

}  // namespace switchboard::http
