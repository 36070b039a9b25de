// Examples from the Engine.IO v4 protocol specification, byte for byte.
#include "switchboard/wire/engineio.hpp"

#include <gtest/gtest.h>

#include "switchboard/wire/error.hpp"

namespace eio = switchboard::wire::eio;
namespace sw = switchboard::wire;
using eio::packet_type;

namespace {

eio::packet text(packet_type type, std::string data = {}) { return {type, false, std::move(data)}; }
eio::packet binary(std::string data) { return {packet_type::message, true, std::move(data)}; }

std::string text_form(packet_type type, std::string_view data = {}) {
  std::string out;
  eio::append_text_packet(type, data, out);
  return out;
}

}  // namespace

TEST(engineio, encodes_each_packet_type) {
  EXPECT_EQ(text_form(packet_type::open, R"({"sid":"lv_VI97HAXpY6yYWAAAC","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":5000,"maxPayload":1000000})"),
            R"(0{"sid":"lv_VI97HAXpY6yYWAAAC","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":5000,"maxPayload":1000000})");
  EXPECT_EQ(text_form(packet_type::close), "1");
  EXPECT_EQ(text_form(packet_type::ping), "2");
  EXPECT_EQ(text_form(packet_type::pong), "3");
  EXPECT_EQ(text_form(packet_type::message, "hello"), "4hello");
  EXPECT_EQ(text_form(packet_type::upgrade), "5");
  EXPECT_EQ(text_form(packet_type::noop), "6");
  EXPECT_EQ(text_form(packet_type::ping, "probe"), "2probe");
  EXPECT_EQ(text_form(packet_type::pong, "probe"), "3probe");
}

TEST(engineio, decodes_text_packets) {
  eio::packet p;
  ASSERT_FALSE(eio::decode_text_packet("4hello", p));
  EXPECT_EQ(p, text(packet_type::message, "hello"));
  ASSERT_FALSE(eio::decode_text_packet("2probe", p));
  EXPECT_EQ(p, text(packet_type::ping, "probe"));
  ASSERT_FALSE(eio::decode_text_packet("6", p));
  EXPECT_EQ(p, text(packet_type::noop));
  ASSERT_FALSE(eio::decode_text_packet("4€", p));
  EXPECT_EQ(p, text(packet_type::message, "€"));
}

TEST(engineio, rejects_malformed_text_packets) {
  eio::packet p;
  EXPECT_EQ(eio::decode_text_packet("", p), sw::errc::empty_packet);
  EXPECT_EQ(eio::decode_text_packet("7", p), sw::errc::unknown_packet_type);
  EXPECT_EQ(eio::decode_text_packet("b", p), sw::errc::unknown_packet_type);
  EXPECT_EQ(eio::decode_text_packet("x4hello", p), sw::errc::unknown_packet_type);
  EXPECT_EQ(eio::decode_text_packet("/", p), sw::errc::unknown_packet_type);
}

TEST(engineio, binary_frame_is_a_binary_message) {
  EXPECT_EQ(eio::decode_binary_packet(std::string("\x01\x02\x03\x04", 4)),
            binary(std::string("\x01\x02\x03\x04", 4)));
}

TEST(engineio, encodes_payload_from_specification) {
  const std::vector<eio::packet> texts{text(packet_type::message, "hello"), text(packet_type::message, "€")};
  EXPECT_EQ(eio::encode_payload(texts), "4hello\x1e" "4€");
  const std::vector<eio::packet> mixed{text(packet_type::message, "hello"),
                                       binary(std::string("\x01\x02\x03\x04", 4))};
  EXPECT_EQ(eio::encode_payload(mixed), "4hello\x1e" "bAQIDBA==");
  const std::vector<eio::packet> one{text(packet_type::ping)};
  EXPECT_EQ(eio::encode_payload(one), "2");
  EXPECT_EQ(eio::encode_payload({}), "");
}

TEST(engineio, decodes_payload_from_specification) {
  std::vector<eio::packet> out;
  ASSERT_FALSE(eio::decode_payload("4hello\x1e" "4€", out));
  EXPECT_EQ(out, (std::vector<eio::packet>{text(packet_type::message, "hello"), text(packet_type::message, "€")}));
  ASSERT_FALSE(eio::decode_payload("4hello\x1e" "bAQIDBA==", out));
  EXPECT_EQ(out, (std::vector<eio::packet>{text(packet_type::message, "hello"),
                                           binary(std::string("\x01\x02\x03\x04", 4))}));
  ASSERT_FALSE(eio::decode_payload("1", out));
  EXPECT_EQ(out, (std::vector<eio::packet>{text(packet_type::close)}));
  ASSERT_FALSE(eio::decode_payload("42[\"hello\"]\x1e" "42[\"world\"]", out));
  EXPECT_EQ(out.size(), 2u);
  ASSERT_FALSE(eio::decode_payload("b", out));  // an empty binary message
  EXPECT_EQ(out, (std::vector<eio::packet>{binary("")}));
}

TEST(engineio, payload_with_any_malformed_packet_fails_whole) {
  for (const std::string_view body :
       {std::string_view(""), std::string_view("\x1e"), std::string_view("4hello\x1e"),
        std::string_view("\x1e" "4hello"), std::string_view("4a\x1e\x1e" "4b"),
        std::string_view("4hello\x1e" "9oops"), std::string_view("4hello\x1e" "b!!!!"),
        std::string_view("bAQIDBA=\x1e" "4ok"), std::string_view("x")}) {
    std::vector<eio::packet> out{text(packet_type::noop)};
    EXPECT_TRUE(eio::decode_payload(body, out)) << body;
    EXPECT_TRUE(out.empty()) << body;
  }
}

TEST(engineio, payload_packet_count_is_bounded) {
  std::string body = "6";
  for (int i = 0; i < 10; ++i) body += "\x1e" "6";
  std::vector<eio::packet> out;
  EXPECT_EQ(eio::decode_payload(body, out, {.max_packets = 10}), sw::errc::too_many_packets);
  EXPECT_TRUE(out.empty());
  EXPECT_FALSE(eio::decode_payload(body, out, {.max_packets = 11}));
  EXPECT_EQ(out.size(), 11u);
}

TEST(engineio, payload_round_trips) {
  std::vector<eio::packet> packets;
  for (int t = 0; t <= 6; ++t) packets.push_back(text(static_cast<packet_type>(t), t % 2 ? "x" : ""));
  std::string all_bytes;
  for (int i = 0; i < 256; ++i) all_bytes.push_back(static_cast<char>(i));
  packets.push_back(binary(all_bytes));
  packets.push_back(binary(""));
  std::vector<eio::packet> out;
  ASSERT_FALSE(eio::decode_payload(eio::encode_payload(packets), out));
  EXPECT_EQ(out, packets);
}
