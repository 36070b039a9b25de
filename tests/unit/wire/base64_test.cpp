#include "switchboard/wire/base64.hpp"

#include <gtest/gtest.h>

#include "switchboard/wire/error.hpp"

namespace sw = switchboard::wire;

namespace {

std::string encode(std::string_view bytes) {
  std::string out;
  sw::append_base64(bytes, out);
  return out;
}

}  // namespace

TEST(base64, encodes_rfc4648_vectors) {
  EXPECT_EQ(encode(""), "");
  EXPECT_EQ(encode("f"), "Zg==");
  EXPECT_EQ(encode("fo"), "Zm8=");
  EXPECT_EQ(encode("foo"), "Zm9v");
  EXPECT_EQ(encode("foob"), "Zm9vYg==");
  EXPECT_EQ(encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(encode(std::string("\x01\x02\x03\x04", 4)), "AQIDBA==");
  EXPECT_EQ(encode(std::string("\xff\xfe\xfd", 3)), "//79");
}

TEST(base64, appends_to_existing_text) {
  std::string out = "b";
  sw::append_base64("foo", out);
  EXPECT_EQ(out, "bZm9v");
}

TEST(base64, decodes_with_and_without_padding) {
  for (const auto& [text, bytes] : std::vector<std::pair<std::string, std::string>>{
           {"", ""}, {"Zg==", "f"}, {"Zm8=", "fo"}, {"Zm9v", "foo"}, {"Zg", "f"}, {"Zm8", "fo"},
           {"AQIDBA==", std::string("\x01\x02\x03\x04", 4)}, {"//79", "\xff\xfe\xfd"}}) {
    std::string out;
    EXPECT_FALSE(sw::decode_base64(text, out)) << text;
    EXPECT_EQ(out, bytes) << text;
  }
}

TEST(base64, rejects_malformed_text) {
  for (const std::string_view text : {"Z", "Zg=", "Z===", "Zm9v!", "Zm 9v", "Zh==", "Zm9=", "====",
                                      "Zg==Zg==", "-_8=", "Zm9\n"}) {
    std::string out;
    EXPECT_EQ(sw::decode_base64(text, out), sw::errc::invalid_base64) << text;
    EXPECT_TRUE(out.empty()) << text;
  }
}

TEST(base64, round_trips_every_byte_value) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  for (std::size_t len = 0; len <= bytes.size(); len += 37) {
    const std::string slice = bytes.substr(0, len);
    std::string out;
    ASSERT_FALSE(sw::decode_base64(encode(slice), out));
    EXPECT_EQ(out, slice);
  }
}

namespace {

std::string encode_url(std::string_view bytes) {
  std::string out;
  sw::append_base64url(bytes, out);
  return out;
}

}  // namespace

TEST(base64url, encodes_without_padding_in_the_url_alphabet) {
  EXPECT_EQ(encode_url(""), "");
  EXPECT_EQ(encode_url("f"), "Zg");
  EXPECT_EQ(encode_url("fo"), "Zm8");
  EXPECT_EQ(encode_url("foo"), "Zm9v");
  EXPECT_EQ(encode_url("foob"), "Zm9vYg");
  EXPECT_EQ(encode_url("fooba"), "Zm9vYmE");
  EXPECT_EQ(encode_url("foobar"), "Zm9vYmFy");
  EXPECT_EQ(encode_url("\xfb\xff\xbf"), "-_-_");
  EXPECT_EQ(encode_url("\xff\xfe"), "__4");
  // RFC 7515 A.1: the JWS protected header, CR LF included.
  EXPECT_EQ(encode_url("{\"typ\":\"JWT\",\r\n \"alg\":\"HS256\"}"), "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9");
}

TEST(base64url, appends_to_existing_text) {
  std::string out = "a.";
  sw::append_base64url("fo", out);
  EXPECT_EQ(out, "a.Zm8");
}

TEST(base64url, decodes_unpadded_text) {
  for (const auto& [text, bytes] : std::vector<std::pair<std::string, std::string>>{
           {"", ""}, {"Zg", "f"}, {"Zm8", "fo"}, {"Zm9v", "foo"}, {"Zm9vYmE", "fooba"},
           {"-_-_", "\xfb\xff\xbf"}, {"__4", "\xff\xfe"}}) {
    std::string out = "x";
    EXPECT_FALSE(sw::decode_base64url(text, out)) << text;
    EXPECT_EQ(out, "x" + bytes) << text;
  }
}

TEST(base64url, rejects_padding_standard_characters_and_bad_lengths) {
  for (const std::string_view text : {"Zg==", "Zm8=", "Z", "Zm9vY", "+/8", "//79", "Zm 9", "Zm9\n",
                                      "Zm9v.", "Zh", "Zm9", "Zm-", "\xc3\xa9", "="}) {
    std::string out;
    EXPECT_EQ(sw::decode_base64url(text, out), sw::errc::invalid_base64) << text;
    EXPECT_TRUE(out.empty()) << text;
  }
}

TEST(base64url, round_trips_every_byte_value) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(255 - i));
  for (std::size_t len = 0; len <= bytes.size(); ++len) {
    const std::string slice = bytes.substr(0, len);
    const std::string text = encode_url(slice);
    ASSERT_EQ(text.find_first_of("+/="), std::string::npos) << text;
    std::string out;
    ASSERT_FALSE(sw::decode_base64url(text, out));
    EXPECT_EQ(out, slice);
  }
}

TEST(hex, encodes_every_byte_lowercase) {
  std::string out = "x";
  switchboard::wire::append_hex(std::string_view("\x00\x0f\xa5\xff", 4), out);
  EXPECT_EQ(out, "x000fa5ff");
}
