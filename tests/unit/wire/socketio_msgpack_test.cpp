// The msgpack parser against socket.io-msgpack-parser 3.0.2: the golden bytes of the issue 19
// research notes (section 2, bytes from notepack.io 2.2.0), the fixture recorded from the npm
// package (tests/fixtures/msgpack/generate.mjs), and what the decoder refuses.
#include "switchboard/wire/socketio_msgpack.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "../../support/hex.hpp"
#include "socketio_test_support.hpp"
#include "switchboard/wire/error.hpp"
#include "switchboard/wire/json_text.hpp"

namespace json = boost::json;
namespace sw = switchboard::wire;
namespace mp = switchboard::wire::sio::msgpack_parser;
using namespace sio_test;
using mp::shape;
using sio::packet_type;
using sw::errc;
using switchboard::test::hex;
using switchboard::test::unhex;

namespace {

std::string encode(const sio::packet& p, shape s) {
  std::string out;
  const std::error_code ec = mp::encode(p, s, out);
  EXPECT_FALSE(ec) << ec.message();
  return hex(out);
}

std::error_code encode_error(const sio::packet& p, shape s) {
  std::string out;
  return mp::encode(p, s, out);
}

// The packet and its data as text, for failure messages.
std::string describe(const sio::packet& p) {
  std::ostringstream text;
  text << "{type " << static_cast<int>(p.type) << ", nsp " << p.nsp << ", id "
       << (p.id ? std::to_string(*p.id) : "-") << ", data " << (p.data ? json::serialize(*p.data) : "-")
       << ", attachments";
  for (const std::string& a : p.attachments) text << ' ' << hex(a);
  text << '}';
  return text.str();
}

sio::packet decode(std::string_view hex_bytes) {
  sio::packet out;
  const std::error_code ec = mp::decode(unhex(hex_bytes), out);
  EXPECT_FALSE(ec) << hex_bytes << ": " << ec.message();
  return out;
}

std::error_code decode_error(std::string_view bytes, const sio::decoder_limits& limits = {}) {
  sio::packet out;
  return mp::decode(bytes, out, limits);
}

// A packet map from its members' bytes, in order (hex, spaces allowed).
std::string packet_map(std::initializer_list<std::string_view> members) {
  std::string text = {static_cast<char>(0x80 | members.size())};
  for (const std::string_view m : members) {
    std::string digits;
    for (const char c : m) {
      if (c != ' ') digits.push_back(c);
    }
    text += unhex(digits);
  }
  return text;
}

// Keys of the packet map, with a value after each (hex).
constexpr std::string_view type_key = "a4 74797065 ";
constexpr std::string_view data_key = "a4 64617461 ";
constexpr std::string_view nsp_root = "a3 6e7370 a1 2f";
constexpr std::string_view id_key = "a2 6964 ";

std::string member(std::string_view key, std::string_view value) { return std::string(key) + std::string(value); }

// The placeholder of the i-th attachment, as a JSON text fragment.
std::string placeholder(int i) { return R"({"_placeholder":true,"num":)" + std::to_string(i) + "}"; }

}  // namespace

// ---- The golden bytes of the research notes (notepack 2.2.0's own output). ----

TEST(socketio_msgpack, notes_connect_answer) {
  const std::string bytes =
      "83a47479706500a46461746182a3736964b46c765f5649393748415870593679595741414143a3706964d40000a36e7370a12f";
  const auto answer = make(packet_type::connect, "/", R"({"sid":"lv_VI97HAXpY6yYWAAAC"})");
  EXPECT_EQ(encode(answer, shape::connect), bytes);
  EXPECT_EQ(bytes.size() / 2, 51u);
  // On v4 polling: the one binary message as "b" + base64.
  sw::frame_ptr frame;
  ASSERT_FALSE(mp::encode_frame(answer, shape::connect, frame));
  ASSERT_EQ(frame->websocket_messages().size(), 1u);
  EXPECT_TRUE(frame->websocket_messages()[0].binary);
  EXPECT_EQ(hex(frame->websocket_messages()[0].bytes), bytes);
  EXPECT_EQ(frame->polling_payload(), "bg6R0eXBlAKRkYXRhgqNzaWS0bHZfVkk5N0hBWHBZNnlZV0FBQUOjcGlk1AAAo25zcKEv");
  // pid undefined reads back as null: the key is kept.
  EXPECT_EQ(decode(bytes), make(packet_type::connect, "/", R"({"sid":"lv_VI97HAXpY6yYWAAAC","pid":null})"));
}

TEST(socketio_msgpack, notes_events_and_acks) {
  const std::string emit = "83a47479706502a46461746193a568656c6c6fa5776f726c6401a36e7370a12f";
  const auto hello = make(packet_type::event, "/", R"(["hello","world",1])");
  EXPECT_EQ(encode(hello, shape::emit), emit);
  EXPECT_EQ(decode(emit), hello);

  const auto ping = make(packet_type::event, "/chat", R"(["ping"])", 7);
  const std::string emit_ack = "84a47479706502a46461746191a470696e67a2696407a36e7370a52f63686174";
  const std::string broadcast_ack = "84a47479706502a46461746191a470696e67a36e7370a52f63686174a2696407";
  EXPECT_EQ(encode(ping, shape::emit), emit_ack);
  EXPECT_EQ(encode(ping, shape::broadcast), broadcast_ack);
  EXPECT_EQ(decode(emit_ack), ping);
  EXPECT_EQ(decode(broadcast_ack), ping);

  const std::string ack = "84a2696405a47479706503a46461746192c0a26f6ba36e7370a62f61646d696e";
  const auto ok = make(packet_type::ack, "/admin", R"([null,"ok"])", 5);
  EXPECT_EQ(encode(ok, shape::ack), ack);
  EXPECT_EQ(decode(ack), ok);
}

TEST(socketio_msgpack, notes_refusals_and_disconnect) {
  const std::string refusal =
      "83a47479706504a46461746182a76d657373616765b3696e76616c69642063726564656e7469616c73a464617461d40000"
      "a36e7370a62f61646d696e";
  EXPECT_EQ(encode(make(packet_type::connect_error, "/admin", R"({"message":"invalid credentials"})"),
                   shape::connect_error),
            refusal);
  EXPECT_EQ(decode(refusal),
            make(packet_type::connect_error, "/admin", R"({"message":"invalid credentials","data":null})"));

  const std::string unknown =
      "83a47479706504a36e7370a52f6e6f7065a46461746181a76d657373616765b1496e76616c6964206e616d657370616365";
  const auto invalid_namespace = make(packet_type::connect_error, "/nope", R"({"message":"Invalid namespace"})");
  EXPECT_EQ(encode(invalid_namespace, shape::namespace_error), unknown);
  EXPECT_EQ(decode(unknown), invalid_namespace);

  const std::string disconnect = "82a47479706501a36e7370a52f63686174";
  EXPECT_EQ(encode(make(packet_type::disconnect, "/chat"), shape::disconnect), disconnect);
  EXPECT_EQ(decode(disconnect), make(packet_type::disconnect, "/chat"));
}

TEST(socketio_msgpack, notes_client_packets) {
  EXPECT_EQ(decode("83a47479706500a46461746182a8757365726e616d65a561646d696ea870617373776f7264a27077a36e7370a62f"
                   "61646d696e"),
            make(packet_type::connect, "/admin", R"({"username":"admin","password":"pw"})"));

  const std::string no_auth = "83a47479706500a464617461d40000a36e7370a12f";
  EXPECT_EQ(decode(no_auth), make(packet_type::connect, "/"));
  EXPECT_EQ(encode(make(packet_type::connect, "/"), shape::connect), no_auth);

  // options:{compress:true} is ignored; the bin becomes attachment 0.
  EXPECT_EQ(decode("85a47479706502a46461746192a675706c6f6164c403010203a76f7074696f6e7381a8636f6d7072657373c3a2696400"
                   "a36e7370a52f63686174"),
            make(packet_type::event, "/chat", R"(["upload",)" + placeholder(0) + "]", 0, {bytes({1, 2, 3})}));
}

TEST(socketio_msgpack, notes_values) {
  // The aggregated event of the admin UI inside an event: subType undefined reads as null, the
  // timestamp is a uint 64.
  const std::string aggregated =
      "84a974696d657374616d70cf0000018bcfe56800a474797065ad726177436f6e6e656374696f6ea7737562547970"
      "65d40000a5636f756e7401";
  EXPECT_EQ(decode(hex(packet_map({member(type_key, "02"), member(data_key, "92 a3616767" + aggregated), nsp_root}))),
            make(packet_type::event, "/",
                    R"(["agg",{"timestamp":1700000000000,"type":"rawConnection","subType":null,"count":1}])"));

  // The legacy Date: d7 00 + int64 milliseconds, read as Date.toJSON text.
  EXPECT_EQ(decode(hex(packet_map({member(type_key, "02"), member(data_key, "92 a474696d65 d7000000018bcfe5687b"),
                                   nsp_root}))),
            make(packet_type::event, "/", R"(["time","2023-11-14T22:13:20.123Z"])"));

  // uptime 12.5 is a float 64, 12 a positive fixint.
  EXPECT_EQ(encode(make(packet_type::event, "/", R"(["up",12.5,12])"), shape::emit),
            hex(packet_map({member(type_key, "02"), member(data_key, "93 a27570 cb4029000000000000 0c"), nsp_root})));
}

// ---- The fixture recorded from the npm package. ----

namespace {

const json::array& fixture_packets() {
  static const json::array packets = [] {
    std::ifstream file(SWITCHBOARD_MSGPACK_FIXTURES);
    std::stringstream text;
    text << file.rdbuf();
    json::value file_json;
    // The wire layer's own JSON reader: numbers exactly as JavaScript reads them.
    if (sw::parse_json(text.str(), 64, file_json)) throw std::runtime_error("unreadable fixture");
    return file_json.at("packets").as_array();
  }();
  return packets;
}

sio::packet packet_from(const json::object& o) {
  sio::packet p;
  p.type = static_cast<packet_type>(o.at("type").to_number<int>());
  p.nsp = o.at("nsp").as_string();
  if (const json::value* id = o.if_contains("id")) p.id = id->to_number<std::uint64_t>();
  if (const json::value* data = o.if_contains("data")) p.data = *data;
  for (const json::value& a : o.at("attachments").as_array()) p.attachments.push_back(unhex(a.as_string()));
  return p;
}

shape shape_named(std::string_view name) {
  static const std::map<std::string_view, shape> shapes = {
      {"emit", shape::emit},       {"broadcast", shape::broadcast},
      {"ack", shape::ack},         {"connect", shape::connect},
      {"connect_error", shape::connect_error}, {"namespace_error", shape::namespace_error},
      {"disconnect", shape::disconnect}};
  return shapes.at(name);
}

// The errc that stands for the reference's error message, when one does (its other errors come
// from notepack's reader, whose wording has no errc of its own).
std::optional<errc> errc_for_reference(std::string_view message) {
  if (message == "invalid packet type") return errc::unknown_packet_type;
  if (message == "invalid namespace") return errc::invalid_namespace;
  if (message == "invalid payload") return errc::invalid_payload;
  if (message == "invalid packet id") return errc::invalid_ack_id;
  if (message.ends_with(" trailing bytes") && message.front() != '-') return errc::trailing_bytes;
  return std::nullopt;
}

errc errc_named(std::string_view name) {
  static const std::map<std::string_view, errc> codes = {{"reserved_event_name", errc::reserved_event_name},
                                                         {"invalid_payload", errc::invalid_payload},
                                                         {"invalid_ack_id", errc::invalid_ack_id},
                                                         {"invalid_map_key", errc::invalid_map_key}};
  return codes.at(name);
}

// Every entry, for its verdict; those with a shape (what the reference server sends), for their bytes.
class reference_verdict : public testing::TestWithParam<json::object> {};
class reference_bytes : public testing::TestWithParam<json::object> {};

std::vector<json::object> fixtures_where(bool (*keep)(const json::object&)) {
  std::vector<json::object> out;
  for (const json::value& v : fixture_packets()) {
    if (keep(v.as_object())) out.push_back(v.as_object());
  }
  return out;
}

std::string fixture_name(const testing::TestParamInfo<json::object>& info) {
  return std::string(info.param.at("name").as_string());
}

}  // namespace

TEST(socketio_msgpack, fixture_comes_from_the_reference_versions) {
  std::ifstream file(SWITCHBOARD_MSGPACK_FIXTURES);
  std::stringstream text;
  text << file.rdbuf();
  const json::value recorded = json::parse(text.str());
  EXPECT_EQ(recorded.at("versions").at("socket.io-msgpack-parser"), "3.0.2");
  EXPECT_EQ(recorded.at("versions").at("notepack.io"), "2.2.0");
  EXPECT_GE(fixture_packets().size(), 90u);
}

TEST_P(reference_bytes, encode_gives_them) {
  const json::object& f = GetParam();
  const sio::packet p = packet_from(f.at("packet").as_object());
  EXPECT_EQ(encode(p, shape_named(f.at("shape").as_string())), f.at("hex").as_string());
}

TEST_P(reference_verdict, decode_agrees) {
  const json::object& f = GetParam();
  const std::string bytes = unhex(f.at("hex").as_string());
  sio::packet out;
  const std::error_code ec = mp::decode(bytes, out);
  if (const json::value* stricter = f.if_contains("stricter")) {
    EXPECT_EQ(ec, errc_named(stricter->as_string())) << ec.message();
  } else if (const json::value* error = f.if_contains("error")) {
    ASSERT_TRUE(ec) << "the reference refuses it: " << error->as_string();
    if (const auto expected = errc_for_reference(error->as_string())) {
      EXPECT_EQ(ec, *expected) << ec.message();
    }
  } else {
    ASSERT_FALSE(ec) << ec.message();
    const sio::packet expected = packet_from(f.at("decoded").as_object());
    EXPECT_TRUE(out == expected) << describe(out) << "\n" << describe(expected);
  }
}

TEST_P(reference_verdict, every_truncation_is_refused) {
  // Of what the reference accepts: a refused entry may be a valid packet plus a byte.
  if (GetParam().contains("error")) return;
  const std::string bytes = unhex(GetParam().at("hex").as_string());
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_TRUE(decode_error(std::string_view(bytes).substr(0, n))) << n;
  }
}

INSTANTIATE_TEST_SUITE_P(npm, reference_verdict,
                         testing::ValuesIn(fixtures_where([](const json::object&) { return true; })), fixture_name);
INSTANTIATE_TEST_SUITE_P(npm, reference_bytes,
                         testing::ValuesIn(fixtures_where([](const json::object& f) { return f.contains("shape"); })),
                         fixture_name);

// ---- Encoding. ----

TEST(socketio_msgpack, encode_writes_binary_as_bin_values) {
  const auto p = make(packet_type::event, "/", R"(["f",)" + placeholder(1) + R"(,{"x":)" + placeholder(0) + "}]", {},
                      {bytes({0xaa}), bytes({1, 2})});
  EXPECT_EQ(encode(p, shape::emit),
            hex(packet_map({member(type_key, "02"), member(data_key, "93 a166 c4020102 81a178 c401aa"), nsp_root})));
  // BINARY_EVENT/BINARY_ACK are written as EVENT/ACK: there are no attachment messages.
  auto binary = p;
  binary.type = packet_type::binary_event;
  EXPECT_EQ(encode(binary, shape::emit), encode(p, shape::emit));
  auto binary_ack = make(packet_type::binary_ack, "/", "[" + placeholder(0) + "]", 2, {"z"});
  EXPECT_EQ(encode(binary_ack, shape::ack),
            hex(packet_map({member(id_key, "02"), member(type_key, "03"), member(data_key, "91 c4017a"), nsp_root})));
}

TEST(socketio_msgpack, encode_keeps_the_reference_members) {
  // A pid given (connection state recovery) and a refusal's data given are written as they are.
  EXPECT_EQ(encode(make(packet_type::connect, "/", R"({"sid":"s","pid":"p"})"), shape::connect),
            hex(packet_map({member(type_key, "00"), member(data_key, "82 a3736964 a173 a3706964 a170"), nsp_root})));
  EXPECT_EQ(encode(make(packet_type::connect_error, "/", R"({"message":"m","data":1})"), shape::connect_error),
            hex(packet_map({member(type_key, "04"), member(data_key, "82 a76d657373616765 a16d a464617461 01"),
                            nsp_root})));
  // A string refusal (no member to add), and a namespace refusal adds none.
  EXPECT_EQ(encode(make(packet_type::connect_error, "/", R"("no")"), shape::connect_error),
            hex(packet_map({member(type_key, "04"), member(data_key, "a26e6f"), nsp_root})));
  EXPECT_EQ(encode(make(packet_type::connect_error, "/", R"({"message":"m"})"), shape::namespace_error),
            hex(packet_map({member(type_key, "04"), nsp_root, member(data_key, "81 a76d657373616765 a16d")})));
  // An object data that looks like a placeholder stays a map.
  EXPECT_EQ(encode(make(packet_type::connect, "/", R"({"_placeholder":true,"num":0})", {}, {"x"}), shape::connect),
            hex(packet_map({member(type_key, "00"),
                            member(data_key, "83 ac5f706c616365686f6c646572 c3 a36e756d 00 a3706964 d40000"),
                            nsp_root})));
}

TEST(socketio_msgpack, encode_refuses_what_the_shape_cannot_write) {
  const auto event = make(packet_type::event, "/", R"(["e"])");
  EXPECT_EQ(encode_error(event, shape::ack), errc::unknown_packet_type);
  EXPECT_EQ(encode_error(event, shape::connect), errc::unknown_packet_type);
  EXPECT_EQ(encode_error(make(packet_type::ack, "/", "[]", 1), shape::emit), errc::unknown_packet_type);
  EXPECT_EQ(encode_error(make(packet_type::disconnect, "/"), shape::namespace_error), errc::unknown_packet_type);

  EXPECT_EQ(encode_error(make(packet_type::event, "/"), shape::emit), errc::invalid_payload);
  EXPECT_EQ(encode_error(make(packet_type::event, "/", R"({"a":1})"), shape::broadcast), errc::invalid_payload);
  EXPECT_EQ(encode_error(make(packet_type::ack, "/", "1", 1), shape::ack), errc::invalid_payload);
  EXPECT_EQ(encode_error(make(packet_type::connect, "/", "[]"), shape::connect), errc::invalid_payload);
  EXPECT_EQ(encode_error(make(packet_type::connect, "/", "null"), shape::connect), errc::invalid_payload);
  EXPECT_EQ(encode_error(make(packet_type::connect_error, "/"), shape::connect_error), errc::invalid_payload);
  EXPECT_EQ(encode_error(make(packet_type::disconnect, "/", "{}"), shape::disconnect), errc::invalid_payload);

  EXPECT_EQ(encode_error(make(packet_type::ack, "/", "[]"), shape::ack), errc::invalid_ack_id);
  EXPECT_EQ(encode_error(make(packet_type::event, "/", R"(["e"])", sio::max_ack_id + 1), shape::emit),
            errc::invalid_ack_id);
  EXPECT_EQ(encode_error(make(packet_type::connect, "/", {}, 1), shape::connect), errc::invalid_ack_id);
  EXPECT_EQ(encode_error(make(packet_type::disconnect, "/", {}, 1), shape::disconnect), errc::invalid_ack_id);

  EXPECT_EQ(encode_error(make(packet_type::event, "/", "[" + placeholder(1) + "]", {}, {"only one"}), shape::emit),
            errc::invalid_attachments);
}

TEST(socketio_msgpack, encode_keeps_integral_numbers_past_64_bits_as_floats) {
  // A deliberate difference: notepack 2.2 wraps them into uint 64 (1e300 arrives as 0, see the
  // fixture's integral_past_uint64); notepack 3, and this encoder, write the float.
  EXPECT_EQ(encode(make(packet_type::event, "/", R"(["big",1e300,18446744073709551615])"), shape::emit),
            hex(packet_map({member(type_key, "02"),
                            member(data_key, "93 a3626967 cb7e37e43c8800759c cfffffffffffffffff"), nsp_root})));
}

TEST(socketio_msgpack, encode_appends_and_leaves_out_untouched_on_error) {
  std::string out = "before";
  EXPECT_FALSE(mp::encode(make(packet_type::disconnect, "/"), shape::disconnect, out));
  EXPECT_EQ(out, "before" + unhex("82a47479706501a36e7370a12f"));
  const std::string kept = out;
  // Fails inside data, after the first members were written.
  EXPECT_EQ(mp::encode(make(packet_type::event, "/", R"(["e",)" + placeholder(0) + "]"), shape::emit, out),
            errc::invalid_attachments);
  EXPECT_EQ(out, kept);
  sw::frame_ptr frame;
  EXPECT_EQ(mp::encode_frame(make(packet_type::ack, "/", "[]"), shape::ack, frame), errc::invalid_ack_id);
  EXPECT_EQ(frame, nullptr);
}

TEST(socketio_msgpack, encode_writes_long_namespaces_and_many_members) {
  const std::string nsp = "/" + std::string(299, 'n');
  const std::string encoded = encode(make(packet_type::disconnect, nsp), shape::disconnect);
  EXPECT_EQ(encoded.substr(0, 28), "82a47479706501a36e7370da012c");
  sio::packet out;
  ASSERT_FALSE(mp::decode(unhex(encoded), out, {.max_namespace_length = 300}));
  EXPECT_EQ(out.nsp, nsp);
  EXPECT_EQ(decode_error(unhex(encoded)), errc::invalid_namespace);  // past the default 256

  json::object auth;
  for (int i = 0; i < 16; ++i) auth["k" + std::to_string(i)] = i;
  sio::packet answer = make(packet_type::connect, "/");
  answer.data = auth;
  const std::string connect = encode(answer, shape::connect);
  EXPECT_EQ(connect.substr(0, 30), "83a47479706500a464617461de0011");  // 16 members + pid: map 16
}

// ---- Decoding: what the decoder refuses, beyond the fixture. ----

TEST(socketio_msgpack, decode_refuses_malformed_input) {
  EXPECT_EQ(decode_error(""), errc::truncated);
  EXPECT_EQ(decode_error(unhex("83a4747970")), errc::truncated);
  EXPECT_EQ(decode_error(unhex("de00")), errc::truncated);
  EXPECT_EQ(decode_error(unhex("81a474797065d400")), errc::truncated);  // undefined without its byte
  EXPECT_EQ(decode_error(unhex("82a47479706501a36e7370a12f00")), errc::trailing_bytes);
  EXPECT_EQ(decode_error(unhex("82a47479706501a36e7370a12fc0")), errc::trailing_bytes);
  EXPECT_EQ(decode_error(unhex("81c1")), errc::invalid_msgpack);
  EXPECT_EQ(decode_error(unhex("82a47479706501c0a12f")), errc::invalid_map_key);
  EXPECT_EQ(decode_error(unhex("c1")), errc::invalid_msgpack);
  EXPECT_EQ(decode_error(unhex("9102")), errc::unknown_packet_type);  // well-formed, not a map
  // Text that is not MessagePack: an Engine.IO text message, JSON.
  EXPECT_EQ(decode_error(R"(2["hello"])"), errc::trailing_bytes);
  EXPECT_EQ(decode_error(R"({"type":2,"nsp":"/","data":["x"]})"), errc::trailing_bytes);
  EXPECT_EQ(decode_error("0"), errc::unknown_packet_type);
  EXPECT_EQ(decode_error("\x81\xa4type"), errc::truncated);
}

TEST(socketio_msgpack, decode_checks_ids) {
  const auto with_id = [](std::string_view id) {
    return packet_map({member(type_key, "02"), member(data_key, "91 a165"), nsp_root, member(id_key, id)});
  };
  EXPECT_EQ(decode_error(with_id("c0")), errc::invalid_ack_id);  // nil is not undefined
  EXPECT_EQ(decode_error(with_id("cf0020000000000000")), errc::invalid_ack_id);  // 2^53
  EXPECT_EQ(decode_error(with_id("d3ffffffffffffffff")), errc::invalid_ack_id);  // -1
  EXPECT_EQ(decode_error(with_id("cb7ff0000000000000")), errc::invalid_ack_id);  // Infinity
  EXPECT_EQ(decode_error(with_id("cb7ff8000000000000")), errc::invalid_ack_id);  // NaN
  EXPECT_EQ(decode_error(with_id("c3")), errc::invalid_ack_id);
  EXPECT_EQ(decode_error(with_id("90")), errc::invalid_ack_id);
  EXPECT_EQ(decode_error(with_id("cb4340000000000000")), errc::invalid_ack_id);  // 2^53 as a float
  sio::packet out;
  ASSERT_FALSE(mp::decode(with_id("cf001fffffffffffff"), out));
  EXPECT_EQ(out.id, sio::max_ack_id);
}

TEST(socketio_msgpack, decode_refuses_reserved_event_names) {
  for (const std::string_view name : {"a7636f6e6e656374", "ad636f6e6e6563745f6572726f72", "aa646973636f6e6e656374",
                                      "ad646973636f6e6e656374696e67", "ab6e65774c697374656e6572",
                                      "ae72656d6f76654c697374656e6572"}) {
    EXPECT_EQ(decode_error(packet_map({member(type_key, "02"), member(data_key, "91" + std::string(name)), nsp_root})),
              errc::reserved_event_name)
        << name;
  }
  // An ACK's first item is no event name.
  EXPECT_FALSE(decode_error(packet_map(
      {member(type_key, "03"), member(data_key, "91 aa646973636f6e6e656374"), member(id_key, "01"), nsp_root})));
  // A name as str 8.
  EXPECT_EQ(decode(hex(packet_map({member(type_key, "02"), member(data_key, "dc0001 d903616263"), nsp_root}))),
            make(packet_type::event, "/", R"(["abc"])"));
}

TEST(socketio_msgpack, decode_bounds_namespace_depth_and_attachments) {
  const sio::decoder_limits limits{.max_attachments = 2, .max_depth = 3, .max_namespace_length = 5};
  const auto event_on = [](std::string_view nsp_hex, std::string_view data) {
    return packet_map({member(type_key, "02"), member(data_key, data), member("a3 6e7370 ", nsp_hex)});
  };
  EXPECT_FALSE(decode_error(event_on("a5 2f63686174", "91 a165"), limits));  // "/chat": 5 bytes
  EXPECT_EQ(decode_error(event_on("a6 2f6368617473", "91 a165"), limits), errc::invalid_namespace);

  EXPECT_FALSE(decode_error(event_on("a12f", "92 a165 91 91 01"), limits));  // 3 levels
  EXPECT_EQ(decode_error(event_on("a12f", "92 a165 91 91 91 01"), limits), errc::nesting_too_deep);
  // Ignored members are read within the same bounds.
  EXPECT_EQ(decode_error(packet_map({member(type_key, "02"), member(data_key, "91 a165"), nsp_root,
                                     "a3 666f6f 91 91 91 91 01"}),
                         limits),
            errc::nesting_too_deep);

  EXPECT_FALSE(decode_error(event_on("a12f", "93 a165 c40101 c40102"), limits));
  EXPECT_EQ(decode_error(event_on("a12f", "94 a165 c40101 c40102 81a178c40103"), limits), errc::too_many_attachments);
  // ArrayBuffers (ext type 0) count as attachments too.
  EXPECT_EQ(decode_error(event_on("a12f", "94 a165 c40101 c40102 c7010003"), limits), errc::too_many_attachments);
}

TEST(socketio_msgpack, decode_leaves_out_untouched_on_error) {
  sio::packet out = make(packet_type::ack, "/kept", "[1]", 3, {"a"});
  const sio::packet before = out;
  EXPECT_EQ(mp::decode(packet_map({member(type_key, "02"), member(data_key, "92 a165 c40101"), nsp_root,
                                   member(id_key, "c0")}),
                       out),
            errc::invalid_ack_id);
  EXPECT_EQ(out, before);
}

TEST(socketio_msgpack, decode_keeps_binary_and_utf8) {
  // Attachments are numbered in the order of the bytes, nested ones included.
  EXPECT_EQ(decode(hex(packet_map({member(type_key, "02"),
                                   member(data_key, "93 a165 82a161c40161a16291c40162 c40163"), nsp_root}))),
            make(packet_type::event, "/",
                 R"(["e",{"a":)" + placeholder(0) + R"(,"b":[)" + placeholder(1) + "]}," + placeholder(2) + "]", {},
                 {"a", "b", "c"}));
  // Invalid UTF-8 becomes U+FFFD, as Node's Buffer.toString.
  EXPECT_EQ(decode(hex(packet_map({member(type_key, "02"), member(data_key, "92 a165 a2ff41"), nsp_root}))),
            make(packet_type::event, "/", "[\"e\",\"\xef\xbf\xbd" "A\"]"));
}

TEST(socketio_msgpack, decoded_packets_encode_back) {
  // What a server relays (a client's event, broadcast) and answers (an ack) keeps its values.
  const sio::packet event = decode(
      "85a47479706502a46461746192a675706c6f6164c403010203a76f7074696f6e7381a8636f6d7072657373c3a2696400"
      "a36e7370a52f63686174");
  auto relayed = event;
  relayed.id.reset();
  EXPECT_EQ(encode(relayed, shape::broadcast),
            hex(packet_map({member(type_key, "02"), member(data_key, "92 a675706c6f6164 c403010203"),
                            "a3 6e7370 a5 2f63686174"})));
  EXPECT_EQ(decode(encode(event, shape::emit)), event);
}
