// UTF-8 validation and WHATWG-style repair.
#include "utf8.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace switchboard::wire::detail {
namespace {

// Length of the longest prefix of `s` made of whole, valid UTF-8 sequences.
std::size_t valid_utf8_prefix(const unsigned char* s, std::size_t n) noexcept {
  std::size_t i = 0;
  while (i < n) {
    // Skip ASCII eight bytes at a time; most keys and event names are ASCII.
    while (i + 8 <= n) {
      std::uint64_t w;
      std::memcpy(&w, s + i, 8);
      if ((w & 0x8080808080808080ull) != 0) break;
      i += 8;
    }
    if (i >= n) break;
    const unsigned char b = s[i];
    if (b < 0x80) {
      ++i;
      continue;
    }
    std::size_t need;
    unsigned char lo = 0x80, hi = 0xbf;  // bounds of the first continuation byte
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b == 0xe0) lo = 0xa0;  // overlong
      if (b == 0xed) hi = 0x9f;  // surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b == 0xf0) lo = 0x90;  // overlong
      if (b == 0xf4) hi = 0x8f;  // above U+10FFFF
    } else {
      return i;
    }
    if (n - i <= need) return i;
    if (s[i + 1] < lo || s[i + 1] > hi) return i;
    for (std::size_t k = 2; k <= need; ++k) {
      if ((s[i + k] & 0xc0) != 0x80) return i;
    }
    i += need + 1;
  }
  return n;
}

const unsigned char* bytes_of(std::string_view s) noexcept {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace
}  // namespace switchboard::wire::detail

namespace switchboard::wire {

bool is_valid_utf8(std::string_view bytes) noexcept {
  return detail::valid_utf8_prefix(detail::bytes_of(bytes), bytes.size()) == bytes.size();
}

}  // namespace switchboard::wire

namespace switchboard::wire::detail {

void append_utf8_replacing_invalid(std::string_view bytes, std::string& out) {
  static constexpr char replacement[] = "\xef\xbf\xbd";
  const unsigned char* s = bytes_of(bytes);
  const std::size_t n = bytes.size();
  std::size_t i = 0;
  while (i < n) {
    const std::size_t ok = valid_utf8_prefix(s + i, n - i);
    out.append(reinterpret_cast<const char*>(s + i), ok);
    i += ok;
    if (i >= n) break;
    // s[i] starts an invalid sequence: consume the lead byte and every continuation byte that
    // was still acceptable, then resume at the first byte that was not.
    const unsigned char b = s[i++];
    std::size_t need = 0;
    unsigned char lo = 0x80, hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b == 0xe0) lo = 0xa0;
      if (b == 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b == 0xf0) lo = 0x90;
      if (b == 0xf4) hi = 0x8f;
    }
    for (std::size_t k = 0; k < need && i < n && s[i] >= lo && s[i] <= hi; ++k) {
      ++i;
      lo = 0x80;
      hi = 0xbf;
    }
    out.append(replacement, 3);
  }
}

}  // namespace switchboard::wire::detail
