#include "utf8.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace detail = switchboard::wire::detail;

namespace {

// U+FFFD as UTF-8.
constexpr std::string_view fffd = "\xef\xbf\xbd";

std::string repaired(std::string_view bytes) {
  std::string out;
  detail::append_utf8_replacing_invalid(bytes, out);
  return out;
}

std::string times(std::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

}  // namespace

TEST(utf8, valid_text_is_kept) {
  const std::string_view valid[] = {
      "",
      "plain ascii, longer than eight bytes",
      "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80",  // é € 😀
      "\xef\xbf\xbf",                          // U+FFFF: a noncharacter, still valid
      "\xf0\x90\x80\x80",                      // U+10000, the lowest four-byte form
      "\xf4\x8f\xbf\xbf",                      // U+10FFFF, the highest code point
  };
  for (std::string_view s : valid) {
    EXPECT_TRUE(detail::is_valid_utf8(s)) << s;
    EXPECT_EQ(repaired(s), s);
  }
}

TEST(utf8, appends_to_existing_text) {
  std::string out = "abc";
  detail::append_utf8_replacing_invalid("d\xff", out);
  EXPECT_EQ(out, "abcd" + std::string(fffd));
}

// Each case matches what the WHATWG decoder (Node's TextDecoder) yields: one U+FFFD per maximal
// invalid subpart.
TEST(utf8, replaces_like_whatwg) {
  const struct {
    std::string_view bytes;
    std::string expected;
  } cases[] = {
      {"\xc0\xaf", times(fffd, 2)},                // overlong '/', C0 is never a lead
      {"\xe0\x80\xaf", times(fffd, 3)},            // overlong three-byte form
      {"\xf0\x80\x80\x80", times(fffd, 4)},        // overlong four-byte form
      {"\xed\xa0\x80", times(fffd, 3)},            // high surrogate U+D800
      {"\xed\xbf\xbf", times(fffd, 3)},            // low surrogate U+DFFF
      {"\xf4\x90\x80\x80", times(fffd, 4)},        // above U+10FFFF
      {"\xf5", std::string(fffd)},                 // never a lead byte
      {"\xe2\x82", std::string(fffd)},             // truncated at the end: one replacement
      {"\xf0\x9f\x98" "a", std::string(fffd) + "a"},  // truncated before ASCII
      {"\x80", std::string(fffd)},                 // lone continuation byte
      // Unicode's example (Table 3-8) of maximal subparts.
      {"\x61\xf1\x80\x80\xe1\x80\xc2\x62\x80\x63\x80\xbf\x64",
       "a" + times(fffd, 3) + "b" + std::string(fffd) + "c" + times(fffd, 2) + "d"},
      // After the eight-byte ASCII fast path.
      {"0123456789\xff" "abc", "0123456789" + std::string(fffd) + "abc"},
  };
  for (const auto& c : cases) {
    EXPECT_FALSE(detail::is_valid_utf8(c.bytes));
    EXPECT_EQ(repaired(c.bytes), c.expected);
    EXPECT_TRUE(detail::is_valid_utf8(c.expected));
  }
}
