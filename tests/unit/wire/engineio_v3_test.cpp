// Engine.IO v3 framing: the examples of the v3 protocol specification and of engine.io-parser 2.x
// byte for byte, every refusal, the bounds, and the payloads the npm parser itself wrote
// (tests/fixtures/eio3/generate.mjs).
#include "switchboard/wire/engineio_v3.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <sstream>

#include "../../support/hex.hpp"
#include "switchboard/wire/error.hpp"

namespace eio = switchboard::wire::eio;
namespace v3 = switchboard::wire::eio::v3;
namespace sw = switchboard::wire;
using eio::packet_type;
using switchboard::test::unhex;

namespace {

eio::packet text(packet_type type, std::string data = {}) { return {type, false, std::move(data)}; }
eio::packet binary(std::string data) { return {packet_type::message, true, std::move(data)}; }
eio::packet message(std::string data) { return text(packet_type::message, std::move(data)); }

constexpr std::string_view handshake =
    R"({"sid":"lv_VI97HAXpY6yYWAAAC","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000})";

std::string encode(std::vector<eio::packet> packets) { return v3::encode_payload(packets); }

std::vector<eio::packet> decode_ok(std::string_view body, bool binary_body) {
  std::vector<eio::packet> out;
  const std::error_code ec = v3::decode_payload(body, binary_body, out);
  EXPECT_FALSE(ec) << ec.message() << " for " << switchboard::test::hex(body);
  return out;
}

// The error of decoding `body`, after checking that a failed decode leaves no packets behind.
std::error_code decode_error(std::string_view body, bool binary_body, const eio::payload_limits& limits = {}) {
  std::vector<eio::packet> out{text(packet_type::noop)};
  const std::error_code ec = v3::decode_payload(body, binary_body, out, limits);
  EXPECT_TRUE(out.empty()) << switchboard::test::hex(body);
  return ec;
}

}  // namespace

TEST(engineio_v3, counts_utf16_code_units) {
  EXPECT_EQ(v3::utf16_length(""), 0u);
  EXPECT_EQ(v3::utf16_length("hello"), 5u);
  EXPECT_EQ(v3::utf16_length("é"), 1u);  // 2 bytes
  EXPECT_EQ(v3::utf16_length("€"), 1u);  // 3 bytes
  EXPECT_EQ(v3::utf16_length("你好世界"), 4u);  // 12 bytes
  EXPECT_EQ(v3::utf16_length("😀"), 2u);  // 4 bytes, a surrogate pair
  EXPECT_EQ(v3::utf16_length("4é😀"), 4u);  // 7 bytes
  EXPECT_EQ(v3::utf16_length("\xef\xbf\xbf\xf0\x90\x80\x80"), 3u);  // U+FFFF, U+10000
}

TEST(engineio_v3, encodes_examples_from_the_notes) {
  EXPECT_EQ(encode({text(packet_type::open, std::string(handshake))}), "118:0" + std::string(handshake));
  EXPECT_EQ(encode({message("0")}), "2:40");
  EXPECT_EQ(encode({text(packet_type::ping)}), "1:2");
  EXPECT_EQ(encode({binary("\x01\x02\x03")}), "6:b4AQID");
  EXPECT_EQ(encode({message("51-[\"bin\",{\"_placeholder\":true,\"num\":0}]"), binary("\x01\x02\x03")}),
            "41:451-[\"bin\",{\"_placeholder\":true,\"num\":0}]6:b4AQID");
  EXPECT_EQ(encode({}), "0:");
}

TEST(engineio_v3, encodes_examples_from_the_specification) {
  EXPECT_EQ(encode({message("hello"), message("€")}), "6:4hello2:4€");
  EXPECT_EQ(encode({message("€"), binary("\x01\x02\x03\x04")}), "2:4€10:b4AQIDBA==");
  EXPECT_EQ(encode({text(packet_type::ping, "probe")}), "6:2probe");
  EXPECT_EQ(encode({text(packet_type::pong, "probe")}), "6:3probe");
}

TEST(engineio_v3, lengths_count_utf16_code_units_not_bytes) {
  EXPECT_EQ(encode({message("é😀")}), "4:4é😀");
  EXPECT_EQ(encode({message("你好世界")}), "5:4你好世界");
  EXPECT_EQ(encode({message("😀😀")}), "5:4😀😀");
  EXPECT_EQ(encode({message(std::string(1234, 'a'))}), "1235:4" + std::string(1234, 'a'));
}

TEST(engineio_v3, appends_to_what_is_there) {
  std::string out = "1:6";
  v3::append_payload_packet(message("hi"), out);
  v3::append_payload_text("42[\"x\"]", out);
  v3::append_payload_binary("", out);
  v3::append_payload_binary("\xff", out);
  EXPECT_EQ(out, "1:63:4hi7:42[\"x\"]2:b46:b4/w==");
}

TEST(engineio_v3, decodes_text_payloads) {
  EXPECT_EQ(decode_ok("118:0" + std::string(handshake), false),
            (std::vector{text(packet_type::open, std::string(handshake))}));
  EXPECT_EQ(decode_ok("2:40", false), (std::vector{message("0")}));
  EXPECT_EQ(decode_ok("1:2", false), (std::vector{text(packet_type::ping)}));
  EXPECT_EQ(decode_ok("6:b4AQID", false), (std::vector{binary("\x01\x02\x03")}));
  EXPECT_EQ(decode_ok("6:4hello2:4€", false), (std::vector{message("hello"), message("€")}));
  EXPECT_EQ(decode_ok("2:4€10:b4AQIDBA==", false), (std::vector{message("€"), binary("\x01\x02\x03\x04")}));
  EXPECT_EQ(decode_ok("4:4é😀5:4你好世界", false), (std::vector{message("é😀"), message("你好世界")}));
  EXPECT_EQ(decode_ok("2:b4", false), (std::vector{binary("")}));
  EXPECT_EQ(decode_ok("4:b4AQ", false), (std::vector{binary("\x01")}));  // padding may be left out
  EXPECT_EQ(decode_ok("02:40", false), (std::vector{message("0")}));  // decimal, as Number() reads it
}

TEST(engineio_v3, empty_payload_and_empty_packets_decode_to_nothing) {
  EXPECT_TRUE(decode_ok("0:", false).empty());
  // engine.io-parser 2.x skips a zero-length packet wherever it stands.
  EXPECT_EQ(decode_ok("0:1:60:", false), (std::vector{text(packet_type::noop)}));
}

TEST(engineio_v3, decodes_binary_payloads) {
  // The specification's example: "€" then the bytes 01 02 03 04.
  EXPECT_EQ(decode_ok(unhex("0004ff34e282ac0105ff0401020304"), true),
            (std::vector{message("€"), binary("\x01\x02\x03\x04")}));
  // socket.emit("bin", Buffer[1,2,3]) on "/", from the notes.
  const std::string event = "451-[\"bin\",{\"_placeholder\":true,\"num\":0}]";
  ASSERT_EQ(event.size(), 41u);
  EXPECT_EQ(decode_ok(unhex("000401ff") + event + unhex("0104ff04010203"), true),
            (std::vector{message(event.substr(1)), binary("\x01\x02\x03")}));
  EXPECT_EQ(decode_ok(unhex("0007ff34c3a9f09f9880"), true), (std::vector{message("é😀")}));  // bytes, not UTF-16
  EXPECT_EQ(decode_ok(unhex("0101ff04"), true), (std::vector{binary("")}));
  EXPECT_EQ(decode_ok(unhex("0006ff6234415149440001ff32"), true),  // a base64 packet as text, then a ping
            (std::vector{binary("\x01\x02\x03"), text(packet_type::ping)}));
  EXPECT_EQ(decode_ok(unhex("01000004ff04010203"), true), (std::vector{binary("\x01\x02\x03")}));
}

TEST(engineio_v3, decodes_text_packets_and_base64_messages) {
  eio::packet p;
  ASSERT_FALSE(v3::decode_text_packet("4hello", p));
  EXPECT_EQ(p, message("hello"));
  ASSERT_FALSE(v3::decode_text_packet("2probe", p));
  EXPECT_EQ(p, text(packet_type::ping, "probe"));
  ASSERT_FALSE(v3::decode_text_packet("b4AQID", p));
  EXPECT_EQ(p, binary("\x01\x02\x03"));
  ASSERT_FALSE(v3::decode_text_packet("b4", p));
  EXPECT_EQ(p, binary(""));
  EXPECT_EQ(v3::decode_text_packet("", p), sw::errc::empty_packet);
  EXPECT_EQ(v3::decode_text_packet("7", p), sw::errc::unknown_packet_type);
  EXPECT_EQ(v3::decode_text_packet("b", p), sw::errc::unknown_packet_type);
  EXPECT_EQ(v3::decode_text_packet("b2AQID", p), sw::errc::unknown_packet_type);  // only messages are binary
  EXPECT_EQ(v3::decode_text_packet("b9AQID", p), sw::errc::unknown_packet_type);
  EXPECT_EQ(v3::decode_text_packet("b4AQI!", p), sw::errc::invalid_base64);
}

TEST(engineio_v3, decodes_websocket_binary_messages) {
  eio::packet p;
  ASSERT_FALSE(v3::decode_websocket_binary(unhex("04010203"), p));
  EXPECT_EQ(p, binary("\x01\x02\x03"));
  ASSERT_FALSE(v3::decode_websocket_binary(unhex("04"), p));
  EXPECT_EQ(p, binary(""));
  EXPECT_EQ(v3::decode_websocket_binary("", p), sw::errc::empty_packet);
  EXPECT_EQ(v3::decode_websocket_binary(unhex("02010203"), p), sw::errc::unknown_packet_type);
  EXPECT_EQ(v3::decode_websocket_binary(unhex("34"), p), sw::errc::unknown_packet_type);  // '4': text
}

TEST(engineio_v3, refuses_malformed_text_payloads) {
  const std::pair<std::string_view, sw::errc> cases[] = {
      {"", sw::errc::empty_packet},
      {"abc", sw::errc::invalid_length},  // no separator
      {":4", sw::errc::invalid_length},  // no digits
      {"x:4", sw::errc::invalid_length},
      {" 1:4", sw::errc::invalid_length},
      {"+1:4", sw::errc::invalid_length},
      {"-1:4", sw::errc::invalid_length},
      {"1e0:4", sw::errc::invalid_length},
      {"3:4a", sw::errc::invalid_length},  // past the end
      {"2:4ab", sw::errc::invalid_length},  // "b" after the packet is no length
      {"2:40x", sw::errc::invalid_length},
      {"1:", sw::errc::invalid_length},
      {"3:4é😀", sw::errc::invalid_length},  // ends inside the surrogate pair of 😀
      {"99999999999999999999999999999999:4", sw::errc::invalid_length},  // no overflow
      {"18446744073709551617:4", sw::errc::invalid_length},
      {"1:9", sw::errc::unknown_packet_type},
      {"1:x", sw::errc::unknown_packet_type},
      {"1:b", sw::errc::unknown_packet_type},
      {"3:b2A", sw::errc::unknown_packet_type},
      {"1:41:7", sw::errc::unknown_packet_type},  // one bad packet fails all
      {"8:b4AQI!!!", sw::errc::invalid_base64},
      {"3:b4A", sw::errc::invalid_base64},
      {"2:4\xff", sw::errc::invalid_utf8},
      {"2:4\xc3", sw::errc::invalid_utf8},
      {"2:4\xed\xa0\x80", sw::errc::invalid_utf8},  // an encoded lone surrogate
      {"1:41:4\x80", sw::errc::invalid_utf8},
  };
  for (const auto& [body, expected] : cases) EXPECT_EQ(decode_error(body, false), expected) << body;
}

TEST(engineio_v3, refuses_malformed_binary_payloads) {
  const std::pair<std::string_view, sw::errc> cases[] = {
      {"", sw::errc::empty_packet},
      {"02" "01ff" "34", sw::errc::unknown_packet_type},  // neither text (00) nor binary (01)
      {"30" "01ff" "34", sw::errc::unknown_packet_type},  // an ASCII '0'
      {"00" "01", sw::errc::invalid_length},  // no 0xff
      {"00" "ff" "34", sw::errc::invalid_length},  // no digits
      {"00" "0aff" "34", sw::errc::invalid_length},  // 10 is no digit
      {"00" "31ff" "34", sw::errc::invalid_length},  // nor is the ASCII digit '1'
      {"00" "05ff" "34", sw::errc::invalid_length},  // past the end
      {"00" "01ff" "3400", sw::errc::invalid_length},  // the 00 that follows has no length
      {"00" "090909090909090909090909090909090909090909ff" "34", sw::errc::invalid_length},
      {"00" "00ff", sw::errc::empty_packet},
      {"01" "00ff", sw::errc::empty_packet},  // no type byte
      {"00" "01ff" "39", sw::errc::unknown_packet_type},
      {"00" "06ff" "623241514944", sw::errc::unknown_packet_type},  // "b2AQID"
      {"01" "02ff" "0201", sw::errc::unknown_packet_type},  // binary data in a ping
      {"01" "02ff" "3401", sw::errc::unknown_packet_type},  // the text type digit '4'
      {"00" "02ff" "34c3", sw::errc::invalid_utf8},
      {"00" "04ff" "34eda080", sw::errc::invalid_utf8},  // an encoded lone surrogate
      {"00" "05ff" "6234213f3f", sw::errc::invalid_base64},  // "b4!??"
      {"00" "01ff" "36" "01" "00ff", sw::errc::empty_packet},  // one bad packet fails all
  };
  for (const auto& [hex_body, expected] : cases) {
    EXPECT_EQ(decode_error(unhex(hex_body), true), expected) << hex_body;
  }
}

TEST(engineio_v3, body_kinds_are_not_mixed_up) {
  // A text payload read as a binary one, and the other way round.
  EXPECT_EQ(decode_error("2:40", true), sw::errc::unknown_packet_type);
  EXPECT_EQ(decode_error(unhex("0104ff04010203"), false), sw::errc::invalid_utf8);  // 0xff
}

TEST(engineio_v3, packet_count_is_bounded) {
  std::string text_body;
  std::string binary_body;
  for (int i = 0; i < 11; ++i) {
    text_body += "1:6";
    binary_body += unhex("0001ff36");
  }
  for (const bool binary_body_kind : {false, true}) {
    const std::string& body = binary_body_kind ? binary_body : text_body;
    EXPECT_EQ(decode_error(body, binary_body_kind, {.max_packets = 10}), sw::errc::too_many_packets);
    std::vector<eio::packet> out;
    EXPECT_FALSE(v3::decode_payload(body, binary_body_kind, out, {.max_packets = 11}));
    EXPECT_EQ(out.size(), 11u);
  }
  // Zero-length text packets are skipped, not counted.
  std::vector<eio::packet> out;
  EXPECT_FALSE(v3::decode_payload("0:0:0:1:6", false, out, {.max_packets = 1}));
  EXPECT_EQ(out.size(), 1u);
}

TEST(engineio_v3, text_payload_round_trips) {
  std::vector<eio::packet> packets;
  for (int t = 0; t <= 6; ++t) packets.push_back(text(static_cast<packet_type>(t), t % 2 ? "x" : ""));
  std::string all_bytes;
  for (int i = 0; i < 256; ++i) all_bytes.push_back(static_cast<char>(i));
  packets.push_back(binary(all_bytes));
  packets.push_back(binary(""));
  packets.push_back(message("é😀你好\xef\xbf\xbf" + std::string(500, 'z')));
  packets.push_back(message("b4AQID"));  // text that looks like base64 stays text: it follows the type
  EXPECT_EQ(decode_ok(v3::encode_payload(packets), false), packets);
}

// ---- The payloads engine.io-parser 2.2.1 wrote (tests/fixtures/eio3/payloads.json). ----

namespace {

const boost::json::object& fixtures() {
  static const boost::json::object all = [] {
    std::ifstream file(SWITCHBOARD_EIO3_FIXTURES);
    std::stringstream content;
    content << file.rdbuf();
    return boost::json::parse(content.str()).as_object();
  }();
  return all;
}

packet_type type_named(std::string_view name) {
  constexpr std::string_view names[] = {"open", "close", "ping", "pong", "message", "upgrade", "noop"};
  for (std::size_t i = 0; i < std::size(names); ++i) {
    if (names[i] == name) return static_cast<packet_type>(i);
  }
  ADD_FAILURE() << "no packet type " << name;
  return packet_type::noop;
}

std::vector<eio::packet> packets_of(const boost::json::object& payload) {
  std::vector<eio::packet> out;
  for (const boost::json::value& v : payload.at("packets").as_array()) {
    const boost::json::object& p = v.as_object();
    const packet_type type = type_named(p.at("type").as_string());
    if (const boost::json::value* bytes = p.if_contains("binary")) {
      out.push_back({type, true, unhex(bytes->as_string())});
    } else {
      out.push_back(text(type, std::string(p.at("data").as_string())));
    }
  }
  return out;
}

}  // namespace

TEST(engineio_v3, matches_the_npm_parser) {
  const boost::json::array& payloads = fixtures().at("payloads").as_array();
  ASSERT_GE(payloads.size(), 19u);
  std::size_t binary_bodies = 0;
  for (const boost::json::value& v : payloads) {
    const boost::json::object& payload = v.as_object();
    const std::string name(payload.at("name").as_string());
    const std::vector<eio::packet> packets = packets_of(payload);
    const std::string text_body = unhex(payload.at("text").as_string());
    EXPECT_EQ(v3::encode_payload(packets), text_body) << name;
    EXPECT_EQ(decode_ok(text_body, false), packets) << name;
    const boost::json::object& with_binary = payload.at("supportsBinary").as_object();
    const bool binary_body = with_binary.at("body").as_string() == "binary";
    binary_bodies += binary_body ? 1 : 0;
    EXPECT_EQ(decode_ok(unhex(with_binary.at("hex").as_string()), binary_body), packets) << name;
  }
  EXPECT_GE(binary_bodies, 7u);
}

TEST(engineio_v3, refuses_what_the_npm_parser_refuses) {
  const boost::json::array& refused = fixtures().at("refused").as_array();
  ASSERT_GE(refused.size(), 14u);
  for (const boost::json::value& v : refused) {
    const boost::json::object& r = v.as_object();
    const bool binary_body = r.at("body").as_string() == "binary";
    EXPECT_TRUE(decode_error(unhex(r.at("hex").as_string()), binary_body)) << r.at("name").as_string();
  }
}
