// JSON text must match JSON.stringify byte for byte, so clients see what a Node server sends.
#include "switchboard/wire/json_text.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cmath>
#include <limits>

#include "switchboard/wire/error.hpp"

namespace json = boost::json;
namespace sw = switchboard::wire;

namespace {

std::string stringify(const json::value& v) {
  std::string out;
  sw::append_json(v, out);
  return out;
}

}  // namespace

TEST(json_text, numbers_as_javascript_writes_them) {
  // Expected strings are what node prints for String(x) / JSON.stringify(x).
  const std::vector<std::pair<double, std::string_view>> cases{
      {0.0, "0"}, {-0.0, "0"}, {1.0, "1"}, {-1.0, "-1"}, {1.5, "1.5"}, {-0.25, "-0.25"},
      {100.0, "100"}, {0.1, "0.1"}, {0.30000000000000004, "0.30000000000000004"},
      {123456789012345680000.0, "123456789012345680000"}, {1e21, "1e+21"}, {1.5e21, "1.5e+21"},
      {1e-6, "0.000001"}, {1.5e-6, "0.0000015"}, {1e-7, "1e-7"}, {-1.25e-7, "-1.25e-7"},
      {5e-324, "5e-324"}, {1.7976931348623157e308, "1.7976931348623157e+308"},
      {9007199254740993.0, "9007199254740992"}, {3.14159, "3.14159"}, {1e20, "100000000000000000000"},
  };
  for (const auto& [number, text] : cases) EXPECT_EQ(stringify(number), text) << text;
  EXPECT_EQ(stringify(std::numeric_limits<double>::infinity()), "null");
  EXPECT_EQ(stringify(std::nan("")), "null");
  EXPECT_EQ(stringify(std::int64_t{-9223372036854775807LL - 1}), "-9223372036854775808");
  EXPECT_EQ(stringify(std::uint64_t{18446744073709551615ULL}), "18446744073709551615");
}

TEST(json_text, strings_escaped_as_javascript_does) {
  EXPECT_EQ(stringify("plain"), R"("plain")");
  EXPECT_EQ(stringify("q\"b\\s/"), R"("q\"b\\s/")");
  EXPECT_EQ(stringify("\b\f\n\r\t"), R"("\b\f\n\r\t")");
  EXPECT_EQ(stringify(json::string(std::string_view("\x00\x01\x1f\x7f", 4))), "\"\\u0000\\u0001\\u001f\x7f\"");
  EXPECT_EQ(stringify("€ \u2028 😀"), "\"€ \u2028 😀\"");
}

TEST(json_text, containers_keep_order_and_have_no_spaces) {
  const json::value v = json::parse(R"({"b":[1,"x",null,true,false,{}],"a":{"c":[]}})");
  EXPECT_EQ(stringify(v), R"({"b":[1,"x",null,true,false,{}],"a":{"c":[]}})");
}

TEST(json_text, parse_accepts_json_and_round_trips) {
  json::value v;
  ASSERT_FALSE(sw::parse_json(R"( ["a", 1.5, -2, {"k": null}] )", 32, v));
  EXPECT_EQ(stringify(v), R"(["a",1.5,-2,{"k":null}])");
}

TEST(json_text, parse_rejects_invalid_text) {
  json::value v;
  for (const std::string_view text : {"", "[", "[1,]", "[1e400]", "-1.5e309", "{'a':1}", "nul", "[1] [2]", "\"\xff\"",
                                      "{\"a\" 1}", "01", "NaN"}) {
    EXPECT_EQ(sw::parse_json(text, 32, v), sw::errc::invalid_json) << text;
  }
}

TEST(json_text, parse_limits_depth) {
  json::value v;
  EXPECT_FALSE(sw::parse_json(std::string(32, '[') + std::string(32, ']'), 32, v));
  EXPECT_EQ(sw::parse_json(std::string(33, '[') + std::string(33, ']'), 32, v),
            sw::errc::nesting_too_deep);
  EXPECT_EQ(sw::parse_json(std::string(100000, '['), 32, v), sw::errc::nesting_too_deep);
}

TEST(json_text, parse_reads_decimals_exactly) {
  // Boost.JSON 1.81's own parser reads "0.5e37" as 5.0000000000000004e+36.
  for (const auto& [text, expected] : std::vector<std::pair<std::string_view, double>>{
           {"0.5e37", 5e36}, {"2.2250738585072011e-308", 2.2250738585072011e-308},
           {"0.1", 0.1}, {"123456789012345678901234567890", 1.2345678901234568e29},
           {"-1.7976931348623157e308", -1.7976931348623157e308}, {"4.9e-324", 5e-324}, {"1e-400", 0.0}}) {
    json::value v;
    ASSERT_FALSE(sw::parse_json(text, 32, v)) << text;
    ASSERT_TRUE(v.is_double()) << text;
    EXPECT_EQ(v.get_double(), expected) << text;
  }
  json::value v;
  ASSERT_FALSE(sw::parse_json(R"({"k":[0.5e37,"s",1]})", 32, v));
  EXPECT_EQ(stringify(v), R"({"k":[5e+36,"s",1]})");
}

TEST(json_text, escapes_found_at_every_position_of_long_strings) {
  // The writer skips plain text eight bytes at a time; every offset must still see its escape.
  for (const char special : {'"', '\\', '\n', '\x01', '\x1f'}) {
    for (std::size_t length = 1; length <= 40; ++length) {
      for (std::size_t at = 0; at < length; ++at) {
        std::string text(length, 'a');
        text[at] = special;
        const std::string escaped = stringify(json::string(text));
        const std::string quoted = stringify(json::string(std::string(1, special)));
        EXPECT_EQ(escaped, "\"" + std::string(at, 'a') + quoted.substr(1, quoted.size() - 2) +
                               std::string(length - at - 1, 'a') + "\"");
      }
    }
  }
  EXPECT_EQ(stringify(json::string("é€😀 plain text over eight bytes ~\x7f")),
            "\"é€😀 plain text over eight bytes ~\x7f\"");
}
