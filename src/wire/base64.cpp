#include "switchboard/wire/base64.hpp"

#include <array>
#include <cstdint>

#include "switchboard/wire/error.hpp"

namespace switchboard::wire {
namespace {

constexpr std::string_view standard_alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view url_alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

constexpr std::uint8_t invalid = 0xff;

using reverse_table = std::array<std::uint8_t, 256>;

constexpr reverse_table make_reverse(std::string_view alphabet) {
  reverse_table table{};
  table.fill(invalid);
  for (std::size_t i = 0; i < alphabet.size(); ++i) {
    table[static_cast<unsigned char>(alphabet[i])] = static_cast<std::uint8_t>(i);
  }
  return table;
}

constexpr reverse_table standard_reverse = make_reverse(standard_alphabet);
constexpr reverse_table url_reverse = make_reverse(url_alphabet);

void encode(std::string_view bytes, std::string_view alphabet, bool pad, std::string& out) {
  const auto* in = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t n = bytes.size();
  const std::size_t rest = n % 3;
  const std::size_t start = out.size();
  out.resize(start + n / 3 * 4 + (rest == 0 ? 0 : pad ? 4 : rest + 1));
  char* dst = out.data() + start;
  std::size_t i = 0;
  for (; i + 3 <= n; i += 3) {
    const std::uint32_t v = (in[i] << 16) | (in[i + 1] << 8) | in[i + 2];
    *dst++ = alphabet[(v >> 18) & 0x3f];
    *dst++ = alphabet[(v >> 12) & 0x3f];
    *dst++ = alphabet[(v >> 6) & 0x3f];
    *dst++ = alphabet[v & 0x3f];
  }
  if (rest > 0) {
    const std::uint32_t v = (in[i] << 16) | (rest == 2 ? in[i + 1] << 8 : 0);
    *dst++ = alphabet[(v >> 18) & 0x3f];
    *dst++ = alphabet[(v >> 12) & 0x3f];
    if (rest == 2) *dst++ = alphabet[(v >> 6) & 0x3f];
    if (pad) {
      if (rest == 1) *dst++ = '=';
      *dst++ = '=';
    }
  }
}

// Decodes unpadded text; `out` is untouched on error.
std::error_code decode(std::string_view body, const reverse_table& reverse, std::string& out) {
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

}  // namespace

void append_base64(std::string_view bytes, std::string& out) { encode(bytes, standard_alphabet, true, out); }

std::error_code decode_base64(std::string_view text, std::string& out) {
  std::size_t padding = 0;
  if (text.size() % 4 == 0 && !text.empty()) {
    padding = text.ends_with("==") ? 2 : text.ends_with('=') ? 1 : 0;
  }
  return decode(text.substr(0, text.size() - padding), standard_reverse, out);
}

void append_base64url(std::string_view bytes, std::string& out) { encode(bytes, url_alphabet, false, out); }

std::error_code decode_base64url(std::string_view text, std::string& out) {
  return decode(text, url_reverse, out);
}

void append_hex(std::string_view bytes, std::string& out) {
  static constexpr char digits[] = "0123456789abcdef";
  out.reserve(out.size() + 2 * bytes.size());
  for (const char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    out.push_back(digits[byte >> 4]);
    out.push_back(digits[byte & 0xf]);
  }
}

}  // namespace switchboard::wire
