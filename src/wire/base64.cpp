#include "switchboard/wire/base64.hpp"

#include <array>
#include <cstdint>

#include "switchboard/wire/error.hpp"

namespace switchboard::wire {
namespace {

constexpr std::string_view alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::uint8_t invalid = 0xff;

constexpr std::array<std::uint8_t, 256> make_reverse() {
  std::array<std::uint8_t, 256> table{};
  table.fill(invalid);
  for (std::size_t i = 0; i < alphabet.size(); ++i) {
    table[static_cast<unsigned char>(alphabet[i])] = static_cast<std::uint8_t>(i);
  }
  return table;
}

constexpr auto reverse = make_reverse();

}  // namespace

void append_base64(std::string_view bytes, std::string& out) {
  const auto* in = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t n = bytes.size();
  const std::size_t start = out.size();
  out.resize(start + (n + 2) / 3 * 4);
  char* dst = out.data() + start;
  std::size_t i = 0;
  for (; i + 3 <= n; i += 3) {
    const std::uint32_t v = (in[i] << 16) | (in[i + 1] << 8) | in[i + 2];
    *dst++ = alphabet[(v >> 18) & 0x3f];
    *dst++ = alphabet[(v >> 12) & 0x3f];
    *dst++ = alphabet[(v >> 6) & 0x3f];
    *dst++ = alphabet[v & 0x3f];
  }
  if (const std::size_t rest = n - i; rest > 0) {
    const std::uint32_t v = (in[i] << 16) | (rest == 2 ? in[i + 1] << 8 : 0);
    *dst++ = alphabet[(v >> 18) & 0x3f];
    *dst++ = alphabet[(v >> 12) & 0x3f];
    *dst++ = rest == 2 ? alphabet[(v >> 6) & 0x3f] : '=';
    *dst++ = '=';
  }
}

std::error_code decode_base64(std::string_view text, std::string& out) {
  std::size_t padding = 0;
  if (text.size() % 4 == 0 && !text.empty()) {
    padding = text.ends_with("==") ? 2 : text.ends_with('=') ? 1 : 0;
  }
  const std::string_view body = text.substr(0, text.size() - padding);
  if (body.size() % 4 == 1) return errc::invalid_base64;

  std::string decoded;
  decoded.reserve(body.size() / 4 * 3 + 2);
  std::uint32_t acc = 0;
  int bits = 0;
  for (const char c : body) {
    const std::uint8_t v = reverse[static_cast<unsigned char>(c)];
    if (v == invalid) return errc::invalid_base64;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      decoded.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  // Leftover bits must be zero, or the text is not the canonical encoding of any bytes.
  if ((acc & ((1u << bits) - 1)) != 0) return errc::invalid_base64;
  out.append(decoded);
  return {};
}

}  // namespace switchboard::wire
