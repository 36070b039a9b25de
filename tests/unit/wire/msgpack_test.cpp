#include "switchboard/wire/msgpack.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "../../support/hex.hpp"
#include "switchboard/wire/error.hpp"

namespace json = boost::json;
namespace mp = switchboard::wire::msgpack;
using switchboard::wire::errc;

namespace {

// Expected bytes are written as hex; the golden values come from notepack.io 3.0.1.
using switchboard::test::hex;
using switchboard::test::unhex;

std::string enc(const json::value& v, const std::vector<std::string>& attachments = {}) {
  std::string out;
  const std::error_code ec = mp::encode(v, attachments, out);
  EXPECT_FALSE(ec) << ec.message();
  return hex(out);
}

struct decoded {
  std::error_code ec;
  json::value value;
  std::vector<std::string> attachments;
};

decoded dec_bytes(std::string_view bytes, const mp::decode_limits& limits = {}) {
  decoded d;
  d.ec = mp::decode(bytes, d.value, d.attachments, limits);
  return d;
}

decoded dec(std::string_view hex_bytes, const mp::decode_limits& limits = {}) {
  return dec_bytes(unhex(hex_bytes), limits);
}

json::value dec_ok(std::string_view hex_bytes) {
  decoded d = dec(hex_bytes);
  EXPECT_FALSE(d.ec) << hex_bytes << ": " << d.ec.message();
  return d.value;
}

std::error_code dec_err(std::string_view hex_bytes, const mp::decode_limits& limits = {}) {
  return dec(hex_bytes, limits).ec;
}

json::value placeholder(std::int64_t num) { return {{"_placeholder", true}, {"num", num}}; }

std::string repeat(std::string_view unit, std::size_t n) {
  std::string out;
  out.reserve(unit.size() * n);
  for (std::size_t i = 0; i < n; ++i) out += unit;
  return out;
}

constexpr std::string_view broadcast_hex =
    "93a66162633132338" "3a47479706502a46461746193a56576656e740181a161a162a36e7370a12f83a5726f6f"
    "6d7391a5726f6f6d31a665786365707490a5666c61677380";

}  // namespace

// ---- Encoding -------------------------------------------------------------------------------

TEST(msgpack, encodes_nil_and_booleans) {
  EXPECT_EQ(enc(nullptr), "c0");
  EXPECT_EQ(enc(false), "c2");
  EXPECT_EQ(enc(true), "c3");
}

TEST(msgpack, encodes_integers_in_smallest_width) {
  const std::vector<std::pair<std::int64_t, std::string>> cases = {
      {0, "00"},
      {127, "7f"},
      {128, "cc80"},
      {255, "ccff"},
      {256, "cd0100"},
      {65535, "cdffff"},
      {65536, "ce00010000"},
      {4294967295, "ceffffffff"},
      {4294967296, "cf0000000100000000"},
      {-1, "ff"},
      {-32, "e0"},
      {-33, "d0df"},
      {-128, "d080"},
      {-129, "d1ff7f"},
      {-32768, "d18000"},
      {-32769, "d2ffff7fff"},
      {-2147483648, "d280000000"},
      {-2147483649, "d3ffffffff7fffffff"},
      {std::numeric_limits<std::int64_t>::max(), "cf7fffffffffffffff"},
      {std::numeric_limits<std::int64_t>::min(), "d38000000000000000"},
  };
  for (const auto& [n, bytes] : cases) {
    EXPECT_EQ(enc(n), bytes) << n;
    // JavaScript has one number type: the same value as a double encodes identically.
    if (n > -(std::int64_t{1} << 53) && n < (std::int64_t{1} << 53)) {
      EXPECT_EQ(enc(static_cast<double>(n)), bytes) << n;
    }
  }
}

TEST(msgpack, encodes_uint64_values) {
  EXPECT_EQ(enc(std::uint64_t{5}), "05");
  EXPECT_EQ(enc(std::uint64_t{255}), "ccff");
  EXPECT_EQ(enc(std::numeric_limits<std::uint64_t>::max()), "cfffffffffffffffff");
  EXPECT_EQ(enc(std::uint64_t{1} << 63), "cf8000000000000000");
}

TEST(msgpack, encodes_doubles) {
  EXPECT_EQ(enc(1.5), "cb3ff8000000000000");
  EXPECT_EQ(enc(-0.25), "cbbfd0000000000000");
  EXPECT_EQ(enc(3.0), "03");
  EXPECT_EQ(enc(-0.0), "00");  // notepack: -0 is 0
  EXPECT_EQ(enc(9007199254740992.0), "cf0020000000000000");
  EXPECT_EQ(enc(-9007199254740992.0), "d3ffe0000000000000");
  EXPECT_EQ(enc(9223372036854775808.0), "cf8000000000000000");
  EXPECT_EQ(enc(-9223372036854775808.0), "d38000000000000000");
  EXPECT_EQ(enc(std::nan("")), "cb7ff8000000000000");
  EXPECT_EQ(enc(std::numeric_limits<double>::infinity()), "cb7ff0000000000000");
  EXPECT_EQ(enc(-std::numeric_limits<double>::infinity()), "cbfff0000000000000");
  // Integral but with no integer form: float64 (notepack would write garbage here).
  EXPECT_EQ(enc(18446744073709551616.0), "cb43f0000000000000");
  EXPECT_EQ(enc(-9223372036854777856.0), "cbc3e0000000000001");
}

TEST(msgpack, encodes_string_length_forms) {
  EXPECT_EQ(enc(""), "a0");
  EXPECT_EQ(enc("h\xc3\xa9llo \xe2\x82\xac"), "aa68c3a96c6c6f20e282ac");  // UTF-8 byte length
  const std::vector<std::pair<std::size_t, std::string>> cases = {
      {31, "bf"}, {32, "d920"}, {255, "d9ff"}, {256, "da0100"},
      {65535, "daffff"}, {65536, "db00010000"},
  };
  for (const auto& [n, header] : cases) {
    const std::string out = enc(json::string(std::string(n, 'x')));
    EXPECT_EQ(out.substr(0, header.size()), header) << n;
    EXPECT_EQ(out.size(), header.size() + 2 * n) << n;
    EXPECT_EQ(out.substr(header.size()), repeat("78", n)) << n;
  }
}

TEST(msgpack, encodes_array_length_forms) {
  EXPECT_EQ(enc(json::array{}), "90");
  const std::vector<std::pair<std::size_t, std::string>> cases = {
      {15, "9f"}, {16, "dc0010"}, {65535, "dcffff"}, {65536, "dd00010000"},
  };
  for (const auto& [n, header] : cases) {
    json::array a(n, json::value(0));
    const std::string out = enc(a);
    EXPECT_EQ(out.substr(0, header.size()), header) << n;
    EXPECT_EQ(out.substr(header.size()), repeat("00", n)) << n;
  }
}

TEST(msgpack, encodes_map_length_forms_in_key_order) {
  EXPECT_EQ(enc(json::object{}), "80");
  const std::vector<std::pair<std::size_t, std::string>> cases = {
      {15, "8f"}, {16, "de0010"}, {65535, "deffff"}, {65536, "df00010000"},
  };
  for (const auto& [n, header] : cases) {
    json::object o;
    o.reserve(n);
    for (std::size_t i = 0; i < n; ++i) o.emplace("k" + std::to_string(i), 0);
    const std::string out = enc(o);
    EXPECT_EQ(out.substr(0, header.size() + 8), header + "a26b3000") << n;  // "k0": 0 first
  }
  EXPECT_EQ(enc(json::object{{"b", 1}, {"a", 2}}), "82a16201a16102");
}

TEST(msgpack, encodes_nested_structures_like_notepack) {
  const json::value v = json::parse(R"({"a":[1,{"b":null}],"c":true,"d":false,"e":"x"})");
  EXPECT_EQ(enc(v), "84a161920181a162c0a163c3a164c2a165a178");
}

TEST(msgpack, encodes_redis_adapter_broadcast_like_notepack) {
  const json::value v = json::parse(
      R"(["abc123",{"type":2,"data":["event",1,{"a":"b"}],"nsp":"/"},)"
      R"({"rooms":["room1"],"except":[],"flags":{}}])");
  EXPECT_EQ(enc(v), broadcast_hex);
}

TEST(msgpack, encodes_placeholders_as_bin) {
  const std::vector<std::string> attachments = {std::string("\x01\x02\x03", 3),
                                                std::string(256, '\xab'),
                                                std::string(65536, '\xcd'), std::string()};
  EXPECT_EQ(enc(json::object{{"a", placeholder(0)}}, attachments), "81a161c403010203");
  EXPECT_EQ(enc(placeholder(1), attachments), "c50100" + repeat("ab", 256));
  EXPECT_EQ(enc(placeholder(2), attachments), "c600010000" + repeat("cd", 65536));
  EXPECT_EQ(enc(placeholder(3), attachments), "c400");
  // Key order does not matter; an integral double is a valid num.
  EXPECT_EQ(enc(json::object{{"num", 0.0}, {"_placeholder", true}}, attachments), "c403010203");
}

TEST(msgpack, encodes_placeholder_lookalikes_as_maps) {
  EXPECT_EQ(enc(json::object{{"_placeholder", false}, {"num", 0}}), "82ac5f706c616365686f6c646572c2a36e756d00");
  EXPECT_EQ(enc(json::object{{"_placeholder", true}, {"num", 0}, {"x", 1}}, {"a"}).substr(0, 2),
            "83");
  EXPECT_EQ(enc(json::object{{"_placeholder", true}, {"id", 0}}).substr(0, 2), "82");
}

TEST(msgpack, rejects_placeholders_without_attachment) {
  const std::vector<std::string> one = {"a"};
  for (const json::value& num : {json::value(1), json::value(-1), json::value(0.5),
                                 json::value("0"), json::value(nullptr)}) {
    std::string out = "keep";
    const json::value v = json::array{1, json::object{{"_placeholder", true}, {"num", num}}};
    EXPECT_EQ(mp::encode(v, one, out), errc::invalid_attachments) << json::serialize(num);
    EXPECT_EQ(out, "keep");  // untouched on error
  }
}

TEST(msgpack, encode_appends) {
  std::string out = "\x01";
  ASSERT_FALSE(mp::encode(json::array{1, "a"}, {}, out));
  EXPECT_EQ(hex(out), "019201a161");
}

// ---- Decoding -------------------------------------------------------------------------------

TEST(msgpack, decodes_scalars) {
  EXPECT_TRUE(dec_ok("c0").is_null());
  EXPECT_EQ(dec_ok("c2"), json::value(false));
  EXPECT_EQ(dec_ok("c3"), json::value(true));
  EXPECT_EQ(dec_ok("cb3ff8000000000000"), json::value(1.5));
  EXPECT_EQ(dec_ok("cbbfd0000000000000"), json::value(-0.25));
}

TEST(msgpack, decodes_integers_of_every_width) {
  const std::vector<std::pair<std::string, std::int64_t>> cases = {
      {"00", 0}, {"7f", 127}, {"ff", -1}, {"e0", -32},
      {"cc80", 128}, {"ccff", 255}, {"cd0100", 256}, {"cdffff", 65535},
      {"ce00010000", 65536}, {"ceffffffff", 4294967295}, {"cf0000000100000000", 4294967296},
      {"cf7fffffffffffffff", std::numeric_limits<std::int64_t>::max()},
      {"d0df", -33}, {"d080", -128}, {"d1ff7f", -129}, {"d18000", -32768},
      {"d2ffff7fff", -32769}, {"d280000000", -2147483648},
      {"d3ffffffff7fffffff", -2147483649},
      {"d38000000000000000", std::numeric_limits<std::int64_t>::min()},
      // Wider forms than needed are still read.
      {"cc05", 5}, {"d0ff", -1}, {"cf0000000000000005", 5}, {"d3ffffffffffffffff", -1},
  };
  for (const auto& [bytes, n] : cases) {
    const json::value v = dec_ok(bytes);
    ASSERT_TRUE(v.is_int64()) << bytes;
    EXPECT_EQ(v.get_int64(), n) << bytes;
  }
  const json::value big = dec_ok("cfffffffffffffffff");
  ASSERT_TRUE(big.is_uint64());
  EXPECT_EQ(big.get_uint64(), std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(dec_ok("cf8000000000000000").get_uint64(), std::uint64_t{1} << 63);
}

TEST(msgpack, decodes_float32_as_double) {
  EXPECT_EQ(dec_ok("ca3fc00000"), json::value(1.5));
  EXPECT_EQ(dec_ok("cabf800000"), json::value(-1.0));
  EXPECT_EQ(dec_ok("ca7f800000").get_double(), std::numeric_limits<double>::infinity());
  EXPECT_EQ(dec_ok("ca3dcccccd").get_double(), static_cast<double>(0.1f));
}

TEST(msgpack, decodes_strings_of_every_form) {
  EXPECT_EQ(dec_ok("a0"), json::value(""));
  EXPECT_EQ(dec_ok("a3616263"), json::value("abc"));
  EXPECT_EQ(dec_ok("d903616263"), json::value("abc"));
  EXPECT_EQ(dec_ok("da0003616263"), json::value("abc"));
  EXPECT_EQ(dec_ok("db00000003616263"), json::value("abc"));
  EXPECT_EQ(dec_ok("aa68c3a96c6c6f20e282ac"), json::value("h\xc3\xa9llo \xe2\x82\xac"));
  const std::string long_str(65536, 'x');
  EXPECT_EQ(dec_ok("db00010000" + repeat("78", 65536)), json::value(long_str));
}

TEST(msgpack, replaces_invalid_utf8_like_node) {
  // Expected outputs from Buffer.toString('utf8') via notepack: each maximal invalid subpart
  // becomes U+FFFD (ef bf bd).
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"a2c328", "efbfbd28"},
      {"a3e28228", "efbfbd28"},
      {"a4f0288c28", "efbfbd28efbfbd28"},
      {"a3eda080", "efbfbdefbfbdefbfbd"},  // surrogate
      {"a2c0af", "efbfbdefbfbd"},          // overlong
      {"a4f4908080", "efbfbdefbfbdefbfbdefbfbd"},  // above U+10FFFF
      {"a3e0808f", "efbfbdefbfbdefbfbd"},
      {"a2e282", "efbfbd"},                // truncated sequence at the end
      {"a5f09f9880ff", "f09f9880efbfbd"},
      {"a1ff", "efbfbd"},
      {"a3f09f98", "efbfbd"},
      {"aa" "41424344454647e2" "8228", "41424344454647efbfbd28"},  // after the ASCII fast path
  };
  for (const auto& [bytes, expected] : cases) {
    const json::value v = dec_ok(bytes);
    ASSERT_TRUE(v.is_string()) << bytes;
    EXPECT_EQ(hex(v.get_string()), expected) << bytes;
  }
  // Keys too.
  const json::value o = dec_ok("81a1ff01");
  EXPECT_EQ(o, (json::object{{"\xef\xbf\xbd", 1}}));
}

TEST(msgpack, replaces_invalid_utf8_at_every_length_and_position) {
  // The decoder checks ASCII a word at a time: a bad byte or a valid two-byte character must be
  // seen wherever it falls, in strings and keys alike.
  for (std::size_t n = 1; n <= 40; ++n) {
    for (std::size_t k = 0; k < n; ++k) {
      std::string bad(n, 'a');
      bad[k] = '\xff';
      std::string fixed(bad);
      fixed.replace(k, 1, "\xef\xbf\xbd");
      std::string str_bytes, map_bytes;
      ASSERT_FALSE(mp::encode(json::string(bad), {}, str_bytes));
      ASSERT_FALSE(mp::encode(json::object{{bad, 1}}, {}, map_bytes));
      EXPECT_EQ(dec_bytes(str_bytes).value, json::value(fixed)) << n << " " << k;
      EXPECT_EQ(dec_bytes(map_bytes).value, (json::object{{fixed, 1}})) << n << " " << k;
      if (k + 1 < n) {
        std::string good(n, 'a');
        good.replace(k, 2, "\xc3\xa9");
        std::string good_bytes;
        ASSERT_FALSE(mp::encode(json::string(good), {}, good_bytes));
        EXPECT_EQ(dec_bytes(good_bytes).value, json::value(good)) << n << " " << k;
      }
    }
  }
}

TEST(msgpack, replaced_key_survives_nested_value) {
  // The key's replacement text must outlive the frames pushed while its value is read.
  const json::value v = dec_ok("81a2ff41" + repeat("91", 40) + "c0");
  json::value expected = nullptr;
  for (int i = 0; i < 40; ++i) expected = json::array{expected};
  EXPECT_EQ(v, (json::object{{"\xef\xbf\xbd" "A", expected}}));
}

TEST(msgpack, decodes_into_the_callers_storage) {
  json::monotonic_resource resource;
  json::value out(&resource);
  std::vector<std::string> attachments;
  ASSERT_FALSE(mp::decode(unhex("9281a16192a178c40100a3616263"), out, attachments));
  EXPECT_EQ(out.storage().get(), &resource);
  EXPECT_EQ(out.at(0).at("a").at(0).storage().get(), &resource);
  EXPECT_EQ(out.at(1).storage().get(), &resource);
  EXPECT_EQ(out, json::parse(R"([{"a":["x",{"_placeholder":true,"num":0}]},"abc"])"));
}

TEST(msgpack, decodes_nested_structures) {
  EXPECT_EQ(dec_ok("84a161920181a162c0a163c3a164c2a165a178"),
            json::parse(R"({"a":[1,{"b":null}],"c":true,"d":false,"e":"x"})"));
  EXPECT_EQ(dec_ok(broadcast_hex),
            json::parse(R"(["abc123",{"type":2,"data":["event",1,{"a":"b"}],"nsp":"/"},)"
                        R"({"rooms":["room1"],"except":[],"flags":{}}])"));
  EXPECT_EQ(dec_ok("dc0002c0c0"), json::parse("[null,null]"));
  EXPECT_EQ(dec_ok("dd00000001c0"), json::parse("[null]"));
  EXPECT_EQ(dec_ok("de0001a161c0"), json::parse(R"({"a":null})"));
  EXPECT_EQ(dec_ok("df00000001a161c0"), json::parse(R"({"a":null})"));
  EXPECT_EQ(dec_ok("9190"), json::parse("[[]]"));
  EXPECT_EQ(dec_ok("928090"), json::parse("[{},[]]"));
}

TEST(msgpack, duplicate_keys_last_wins_at_first_position) {
  const json::value v = dec_ok("83a16101a16202a16103");
  ASSERT_TRUE(v.is_object());
  const json::object& o = v.get_object();
  ASSERT_EQ(o.size(), 2u);
  EXPECT_EQ(o.begin()->key(), "a");
  EXPECT_EQ(o.begin()->value(), json::value(3));
  EXPECT_EQ(o.at("b"), json::value(2));
}

TEST(msgpack, decodes_bin_to_placeholders) {
  decoded d = dec("93c403010203c50002abcdc600000000");
  ASSERT_FALSE(d.ec);
  EXPECT_EQ(d.value, (json::array{placeholder(0), placeholder(1), placeholder(2)}));
  ASSERT_EQ(d.attachments.size(), 3u);
  EXPECT_EQ(d.attachments[0], std::string("\x01\x02\x03", 3));
  EXPECT_EQ(d.attachments[1], "\xab\xcd");
  EXPECT_EQ(d.attachments[2], "");
}

TEST(msgpack, placeholder_num_indexes_the_whole_attachment_vector) {
  json::value v;
  std::vector<std::string> attachments = {"earlier"};
  ASSERT_FALSE(mp::decode(unhex("c40178"), v, attachments));
  EXPECT_EQ(v, placeholder(1));
  EXPECT_EQ(attachments, (std::vector<std::string>{"earlier", "x"}));
  // On error the vector is restored.
  EXPECT_EQ(mp::decode(unhex("92c40178c1"), v, attachments), errc::invalid_msgpack);
  EXPECT_EQ(attachments, (std::vector<std::string>{"earlier", "x"}));
}

TEST(msgpack, decodes_notepack_legacy_extensions) {
  EXPECT_TRUE(dec_ok("d40000").is_null());  // undefined
  // ext 8/16/32 with type 0: notepack's ArrayBuffer, i.e. binary.
  for (const std::string bytes : {"c7020001ff", "c800020001ff", "c9000000020001ff"}) {
    decoded d = dec(bytes);
    ASSERT_FALSE(d.ec) << bytes;
    EXPECT_EQ(d.value, placeholder(0)) << bytes;
    ASSERT_EQ(d.attachments.size(), 1u);
    EXPECT_EQ(d.attachments[0], std::string("\x01\xff", 2));
  }
  // fixext 8 with type 0: notepack's old Date (int64 milliseconds).
  EXPECT_EQ(dec_ok("d700ffffffffffffffff"), json::value("1969-12-31T23:59:59.999Z"));
  EXPECT_EQ(dec_ok("d7000000018cc87e2c3e"), json::value("2024-01-02T04:46:01.278Z"));
}

TEST(msgpack, decodes_other_extensions_to_type_and_placeholder) {
  struct ext_case {
    std::string bytes;
    std::int64_t type;
    std::string data;
  };
  const std::vector<ext_case> cases = {
      {"d40501", 5, "01"},
      {"d4ff01", -1, "01"},
      {"d5fe0102", -2, "0102"},
      {"d50001ff", 0, "01ff"},  // type 0 is only special for fixext 1 and 8
      {"d6050102030a", 5, "0102030a"},
      {"d7050102030405060708", 5, "0102030405060708"},
      {"d805" + repeat("11", 16), 5, repeat("11", 16)},
      {"c70105aa", 5, "aa"},
      {"c8000105aa", 5, "aa"},
      {"c90000000105aa", 5, "aa"},
      {"c80001ffaa", -1, "aa"},  // only ext 8 carries the 96-bit timestamp
      {"c70080", -128, ""},
  };
  for (const auto& [bytes, type, data] : cases) {
    decoded d = dec(bytes);
    ASSERT_FALSE(d.ec) << bytes << ": " << d.ec.message();
    EXPECT_EQ(d.value, (json::array{type, placeholder(0)})) << bytes;
    ASSERT_EQ(d.attachments.size(), 1u) << bytes;
    EXPECT_EQ(hex(d.attachments[0]), data) << bytes;
  }
  // ext 8 with type -1 is a timestamp, which has 12 bytes.
  EXPECT_EQ(dec_err("c700ff"), errc::invalid_msgpack);
  EXPECT_EQ(dec_err("c708ff0000000000000000"), errc::invalid_msgpack);
}

TEST(msgpack, decodes_timestamps_as_date_to_json) {
  // Expected strings from `JSON.stringify(notepack.decode(bytes))` in Node.
  const std::vector<std::pair<std::string, std::string>> cases = {
      // timestamp 32
      {"d6ff00000000", "1970-01-01T00:00:00.000Z"},
      {"d6ff65937ee5", "2024-01-02T03:11:33.000Z"},
      {"d6ffffffffff", "2106-02-07T06:28:15.000Z"},
      // timestamp 64
      {"d7ff0000000000000000", "1970-01-01T00:00:00.000Z"},
      {"d7ffa1a5d60065937ee5", "2024-01-02T03:11:33.678Z"},
      {"d7ffffffffffffffffff", "2514-05-30T01:53:04.073Z"},  // ns above 1e9, as notepack reads it
      // timestamp 96
      {"c70cff000000000000000000000000", "1970-01-01T00:00:00.000Z"},
      {"c70cff28690380ffffffffffffffff", "1969-12-31T23:59:59.678Z"},
      {"c70cff0007a120ffffffffffffffff", "1969-12-31T23:59:59.001Z"},  // -999.5 ms truncates
      {"c70cfffffffffffffffffffffffff0", "1969-12-31T23:59:48.295Z"},
      {"c70cff00000000fffffff82f4a6300", "0906-04-29T18:16:32.000Z"},
      {"c70cff00000000fffffff1868b8400", "0000-01-01T00:00:00.000Z"},
      {"c70cff3b8b87c0fffffff1868b83ff", "-000001-12-31T23:59:59.999Z"},
      {"c70cff3b8b87c00000003afff4417f", "9999-12-31T23:59:59.999Z"},
      {"c70cff000000000000003afff44180", "+010000-01-01T00:00:00.000Z"},
      {"c70cff00000000000000e8d4a51000", "+033658-09-27T01:46:40.000Z"},
      {"c70cff00000000000007dba8218000", "+275760-09-13T00:00:00.000Z"},
      {"c70cff00000000fffff82457de8000", "-271821-04-20T00:00:00.000Z"},
      {"c70cff3b8b87c0fffff82457de8000", "-271821-04-20T00:00:00.999Z"},
  };
  for (const auto& [bytes, iso] : cases) EXPECT_EQ(dec_ok(bytes), json::value(iso)) << bytes;
  // Beyond JavaScript's Date range toJSON gives null.
  for (const std::string bytes : {"c70cff00000000000007dba8218001", "c70cff00000000fffff82457de7fff",
                                  "c70cff3b8b87c0fffff82457de7fff", "c70cff000000007fffffffffffffff",
                                  "c70cff000000008000000000000000"}) {
    EXPECT_TRUE(dec_ok(bytes).is_null()) << bytes;
  }
}

// ---- Malformed and hostile input ------------------------------------------------------------

TEST(msgpack, rejects_never_used_byte) {
  EXPECT_EQ(dec_err("c1"), errc::invalid_msgpack);
  EXPECT_EQ(dec_err("92c0c1"), errc::invalid_msgpack);
  EXPECT_EQ(dec_err("81c1c0"), errc::invalid_msgpack);
}

TEST(msgpack, rejects_trailing_bytes) {
  EXPECT_EQ(dec_err("c0c0"), errc::trailing_bytes);
  EXPECT_EQ(dec_err("9100ff"), errc::trailing_bytes);
  EXPECT_EQ(dec_err(std::string(broadcast_hex) + "00"), errc::trailing_bytes);
}

TEST(msgpack, rejects_empty_input) { EXPECT_EQ(dec_err(""), errc::truncated); }

TEST(msgpack, rejects_non_string_keys) {
  EXPECT_EQ(dec_err("810102"), errc::invalid_map_key);
  EXPECT_EQ(dec_err("81c002"), errc::invalid_map_key);
  EXPECT_EQ(dec_err("819002"), errc::invalid_map_key);
  EXPECT_EQ(dec_err("81c40161c0"), errc::invalid_map_key);
  EXPECT_EQ(dec_err("82a16101cc0102"), errc::invalid_map_key);
}

TEST(msgpack, rejects_every_truncation_of_a_valid_document) {
  // One document with every type, nested.
  const std::string doc = unhex(
      "de0014"                           // map 16 with 20 entries
      "a161" "c0" "a162" "c2" "a163" "c3"
      "a164" "9d00" "7f" "e0" "cc80" "cd0100" "ce00010000" "cf0000000100000000" "d0df"
      "d1ff7f" "d2ffff7fff" "d3ffffffff7fffffff" "ca3fc00000" "cb3ff8000000000000"
      "a165" "d903616263"
      "a166" "da0003616263"
      "a167" "db00000003616263"
      "a168" "c403010203"
      "a169" "c50001ff"
      "a16a" "c60000000101"
      "a16b" "d40000"
      "a16c" "d6ff65937ee5"
      "a16d" "d7ffa1a5d60065937ee5"
      "a16e" "c70cff28690380ffffffffffffffff"
      "a16f" "c80001050a"
      "a170" "c9000000010509"
      "d901" "71" "dc0001dd00000001df00000001a172de0001a17380"
      "a174" "d805" "00112233445566778899aabbccddeeff"
      "a175" "d700" "0000018cc87e2c3e"
      "a176" "91d50102ff");
  ASSERT_FALSE(dec_bytes(doc).ec) << dec_bytes(doc).ec.message();
  for (std::size_t n = 0; n < doc.size(); ++n) {
    EXPECT_EQ(dec_bytes(std::string_view(doc).substr(0, n)).ec, errc::truncated) << n;
  }
  const std::string broadcast = unhex(broadcast_hex);
  for (std::size_t n = 0; n < broadcast.size(); ++n) {
    EXPECT_EQ(dec_bytes(std::string_view(broadcast).substr(0, n)).ec, errc::truncated) << n;
  }
}

TEST(msgpack, huge_claimed_lengths_fail_fast) {
  for (const std::string bytes :
       {"ddffffffff0000", "dfffffffff0000", "dbffffffff61", "c6ffffffff00", "c9ffffffff0100",
        "c9ffffffffff00", "dcffff00", "deffff0000", "daffff61", "c5ffff00", "c8ffff0000",
        "d9ff61", "c4ff00", "c7ff0000", "9f00", "8fa16100", "bf6161", "d80500"}) {
    EXPECT_EQ(dec_err(bytes), errc::truncated) << bytes;
  }
}

TEST(msgpack, limits_nesting_depth) {
  const auto nested = [](std::size_t depth, std::string_view leaf) {
    return repeat("91", depth - 1) + std::string(leaf);
  };
  EXPECT_FALSE(dec_err(nested(64, "90")));
  EXPECT_EQ(dec_err(nested(65, "90")), errc::nesting_too_deep);
  EXPECT_EQ(dec_err(repeat("81a161", 64) + "c0").value(), 0);
  EXPECT_EQ(dec_err(repeat("81a161", 65) + "c0"), errc::nesting_too_deep);
  // An extension becomes a JSON array, so it takes a level.
  EXPECT_FALSE(dec_err(nested(64, "d40501")));
  EXPECT_EQ(dec_err(nested(65, "d40501")), errc::nesting_too_deep);
  EXPECT_EQ(dec_err("9190", {.max_depth = 1}), errc::nesting_too_deep);
  EXPECT_EQ(dec_err("90", {.max_depth = 0}), errc::nesting_too_deep);
  EXPECT_FALSE(dec_err("00", {.max_depth = 0}));
}

TEST(msgpack, deep_nesting_does_not_recurse) {
  // With the limit raised, depth costs heap, not stack, in both directions.
  const std::size_t depth = 20000;
  decoded d = dec(repeat("91", depth) + "c0", {.max_depth = depth});
  ASSERT_FALSE(d.ec);
  std::string out;
  ASSERT_FALSE(mp::encode(d.value, {}, out));
  EXPECT_EQ(hex(out), repeat("91", depth) + "c0");
}

TEST(msgpack, nesting_returns_from_deep_to_shallow) {
  // Past the decoder's inline frames and back: the outer containers must still be intact.
  const json::value deep = dec_ok(repeat("91", 40) + "c0");
  const json::value v = dec_ok("93" + repeat("91", 40) + "c0" "920102" "82a161" +
                               repeat("91", 40) + "c0" "a16203");
  EXPECT_EQ(v, (json::array{deep, json::array{1, 2}, json::object{{"a", deep}, {"b", 3}}}));
}

TEST(msgpack, limits_total_elements) {
  const mp::decode_limits limits{.max_elements = 4};
  EXPECT_FALSE(dec_err("9401020304", limits));
  EXPECT_EQ(dec_err("950102030405", limits), errc::too_large);
  EXPECT_FALSE(dec_err("92910191c0", limits));  // 2 + 1 + 1
  EXPECT_EQ(dec_err("92910192c0c0", limits), errc::too_large);
  EXPECT_FALSE(dec_err("82a16101a162910b", limits));  // 2 entries + 1 item
  EXPECT_EQ(dec_err("930102d40501", limits), errc::too_large);  // an extension is 2 items
  // A large count within the input but over the limit fails before reserving.
  EXPECT_EQ(dec_err("dc0005" + repeat("00", 5), limits), errc::too_large);
}

TEST(msgpack, limits_attachments) {
  const mp::decode_limits limits{.max_attachments = 2};
  EXPECT_FALSE(dec_err("92c400c400", limits));
  EXPECT_EQ(dec_err("93c400c400c400", limits), errc::too_many_attachments);
  EXPECT_EQ(dec_err("93c400c400d40501", limits), errc::too_many_attachments);
  EXPECT_EQ(dec_err("93c400c400c70000", limits), errc::too_many_attachments);
}

// ---- One value at the front --------------------------------------------------------------------

TEST(msgpack, decode_front_reads_one_value_and_leaves_the_rest) {
  json::value v;
  std::vector<std::string> attachments = {"earlier"};
  std::size_t used = 0;
  ASSERT_FALSE(mp::decode_front(unhex("92c4017801c0a2"), v, attachments, used));
  EXPECT_EQ(used, 5u);
  EXPECT_EQ(v, (json::array{placeholder(1), 1}));
  EXPECT_EQ(attachments, (std::vector<std::string>{"earlier", "x"}));
  // The whole input, as decode() reads it.
  ASSERT_FALSE(mp::decode_front(unhex("c0"), v, attachments, used));
  EXPECT_EQ(used, 1u);
  // Errors as decode(), the attachments left as they were.
  EXPECT_EQ(mp::decode_front(unhex("92c40178"), v, attachments, used), errc::truncated);
  EXPECT_EQ(mp::decode_front(unhex(""), v, attachments, used), errc::truncated);
  EXPECT_EQ(mp::decode_front(unhex("91c1c0"), v, attachments, used), errc::invalid_msgpack);
  EXPECT_EQ(mp::decode_front(unhex("9191c0c0"), v, attachments, used, {.max_depth = 1}), errc::nesting_too_deep);
  EXPECT_EQ(attachments.size(), 2u);
}

// ---- Round trips ----------------------------------------------------------------------------

TEST(msgpack, round_trips) {
  const std::vector<std::string> attachments = {"bin", std::string(300, '\0')};
  const std::vector<json::value> values = {
      json::parse(R"(["abc123",{"type":2,"data":["event",1,{"a":"b"}],"nsp":"/"},)"
                  R"({"rooms":["room1"],"except":[],"flags":{}}])"),
      json::parse(R"({"x":[1.5,-2,300,-70000,1e100,"s",true,null,{}],"y":{"z":[[[]]]}})"),
      json::array{placeholder(0), json::object{{"p", placeholder(1)}}},
      json::value(std::numeric_limits<std::uint64_t>::max()),
      json::value(std::numeric_limits<std::int64_t>::min()),
      json::value(std::string(70000, 'q')),
  };
  for (const json::value& v : values) {
    std::string bytes;
    ASSERT_FALSE(mp::encode(v, attachments, bytes));
    decoded d = dec_bytes(bytes);
    ASSERT_FALSE(d.ec) << d.ec.message();
    EXPECT_EQ(d.value, v);
    std::string again;
    ASSERT_FALSE(mp::encode(d.value, d.attachments, again));
    EXPECT_EQ(again, bytes);
  }
}
