// Decoding the Socket.IO v5 specification's examples, and refusing what the reference parser refuses.
#include <gtest/gtest.h>

#include "socketio_test_support.hpp"
#include "switchboard/wire/error.hpp"

namespace sw = switchboard::wire;
using namespace sio_test;
using sio::packet_type;
using status = sio::decoder::status;

namespace {

// Feeds a text message and its binary attachments; expects one complete packet.
sio::packet decode(std::string_view text, const std::vector<std::string>& attachments = {}) {
  sio::decoder d;
  sio::packet out;
  status s{};
  EXPECT_FALSE(d.add_text(text, s, out)) << text;
  for (const auto& a : attachments) {
    EXPECT_EQ(s, status::need_attachment);
    EXPECT_FALSE(d.add_binary(a, s, out));
  }
  EXPECT_EQ(s, status::packet_ready) << text;
  EXPECT_FALSE(d.awaiting_attachments());
  return out;
}

std::error_code decode_error(std::string_view text, sio::decoder_limits limits = {}) {
  sio::decoder d(limits);
  sio::packet out;
  status s{};
  return d.add_text(text, s, out);
}

}  // namespace

TEST(socketio_decoder, specification_examples) {
  EXPECT_EQ(decode("0"), make(packet_type::connect, "/"));
  EXPECT_EQ(decode(R"(0{"sid":"wZX3oN0bSVIhsaknAAAI"})"),
            make(packet_type::connect, "/", R"({"sid":"wZX3oN0bSVIhsaknAAAI"})"));
  EXPECT_EQ(decode("0/admin,"), make(packet_type::connect, "/admin"));
  EXPECT_EQ(decode(R"(0/admin,{"token":"123"})"), make(packet_type::connect, "/admin", R"({"token":"123"})"));
  EXPECT_EQ(decode(R"(4{"message":"Not authorized"})"),
            make(packet_type::connect_error, "/", R"({"message":"Not authorized"})"));
  EXPECT_EQ(decode(R"(2["foo"])"), make(packet_type::event, "/", R"(["foo"])"));
  EXPECT_EQ(decode(R"(2/admin,["bar"])"), make(packet_type::event, "/admin", R"(["bar"])"));
  EXPECT_EQ(decode(R"(212["foo"])"), make(packet_type::event, "/", R"(["foo"])", 12));
  EXPECT_EQ(decode("312[]"), make(packet_type::ack, "/", "[]", 12));
  EXPECT_EQ(decode(R"(2/admin,13["foo"])"), make(packet_type::event, "/admin", R"(["foo"])", 13));
  EXPECT_EQ(decode(R"(3/admin,13["bar"])"), make(packet_type::ack, "/admin", R"(["bar"])", 13));
  EXPECT_EQ(decode("1"), make(packet_type::disconnect, "/"));
  EXPECT_EQ(decode("1/admin,"), make(packet_type::disconnect, "/admin"));
  EXPECT_EQ(decode("0/admin"), make(packet_type::connect, "/admin"));  // comma may be omitted at the end
  EXPECT_EQ(decode("2[1]"), make(packet_type::event, "/", "[1]"));    // numeric event names are allowed
}

TEST(socketio_decoder, binary_examples_reassemble_attachments) {
  EXPECT_EQ(decode(R"(51-["baz",{"_placeholder":true,"num":0}])", {bytes({1, 2, 3, 4})}),
            make(packet_type::event, "/", R"(["baz",{"_placeholder":true,"num":0}])", {},
                 {bytes({1, 2, 3, 4})}));
  EXPECT_EQ(decode(R"(52-/admin,["baz",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])",
                   {bytes({1, 2}), bytes({3, 4})}),
            make(packet_type::event, "/admin",
                 R"(["baz",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])", {},
                 {bytes({1, 2}), bytes({3, 4})}));
  EXPECT_EQ(decode(R"(51-14["foo",{"_placeholder":true,"num":0}])", {bytes({1, 2, 3, 4})}),
            make(packet_type::event, "/", R"(["foo",{"_placeholder":true,"num":0}])", 14,
                 {bytes({1, 2, 3, 4})}));
  EXPECT_EQ(decode(R"(61-15["bar",{"_placeholder":true,"num":0}])", {bytes({1, 2, 3, 4})}),
            make(packet_type::ack, "/", R"(["bar",{"_placeholder":true,"num":0}])", 15,
                 {bytes({1, 2, 3, 4})}));
  // Placeholders nested anywhere, in any order.
  EXPECT_EQ(decode(R"(52-["e",{"a":[{"_placeholder":true,"num":1}]},{"_placeholder":true,"num":0}])",
                   {"x", "y"})
                .attachments,
            (std::vector<std::string>{"x", "y"}));
}

TEST(socketio_decoder, decoder_is_reusable_after_each_packet) {
  sio::decoder d;
  sio::packet out;
  status s{};
  ASSERT_FALSE(d.add_text(R"(51-["a",{"_placeholder":true,"num":0}])", s, out));
  ASSERT_FALSE(d.add_binary("1", s, out));
  ASSERT_EQ(s, status::packet_ready);
  ASSERT_FALSE(d.add_text(R"(2["b"])", s, out));
  EXPECT_EQ(out, make(packet_type::event, "/", R"(["b"])"));
}

TEST(socketio_decoder, rejects_what_the_reference_parser_rejects) {
  const std::vector<std::pair<std::string_view, sw::errc>> cases{
      {"", sw::errc::empty_packet},
      {"7", sw::errc::unknown_packet_type},
      {"a", sw::errc::unknown_packet_type},
      {"0[]", sw::errc::invalid_payload},                 // CONNECT payload must be an object
      {"0\"x\"", sw::errc::invalid_payload},
      {"1{}", sw::errc::invalid_payload},                 // DISCONNECT carries nothing
      {"1/admin,[]", sw::errc::invalid_payload},
      {"2", sw::errc::invalid_payload},                   // EVENT needs a payload
      {"2[]", sw::errc::invalid_payload},                 // ... a non-empty array
      {"2{}", sw::errc::invalid_payload},
      {"2\"foo\"", sw::errc::invalid_payload},
      {"2[null]", sw::errc::invalid_payload},             // ... led by an event name
      {"2[{}]", sw::errc::invalid_payload},
      {"2[\"connect\"]", sw::errc::reserved_event_name},
      {"2[\"connect_error\"]", sw::errc::reserved_event_name},
      {"2[\"disconnect\"]", sw::errc::reserved_event_name},
      {"2[\"disconnecting\"]", sw::errc::reserved_event_name},
      {"2[\"newListener\"]", sw::errc::reserved_event_name},
      {"2/admin,3[\"removeListener\"]", sw::errc::reserved_event_name},
      {"3", sw::errc::invalid_payload},                   // ACK needs an array
      {"31{}", sw::errc::invalid_payload},
      {"4", sw::errc::invalid_payload},
      {"4[]", sw::errc::invalid_payload},
      {"2[\"foo\"", sw::errc::invalid_json},
      {"2[\"foo\"]x", sw::errc::invalid_json},
      {"2/admin,x[\"foo\"]", sw::errc::invalid_json},     // ack id only digits
      {"21a[\"foo\"]", sw::errc::invalid_json},
      {"29007199254740992[\"foo\"]", sw::errc::invalid_ack_id},
      {"299999999999999999999999[\"foo\"]", sw::errc::invalid_ack_id},
      {"5[\"a\"]", sw::errc::invalid_attachments},        // no count
      {"5-[\"a\"]", sw::errc::invalid_attachments},
      {"50-[\"a\"]", sw::errc::invalid_attachments},      // count must be at least 1
      {"5a-[\"a\"]", sw::errc::invalid_attachments},
      {"5 1-[\"a\",{\"_placeholder\":true,\"num\":0}]", sw::errc::invalid_attachments},
      {"511-[\"a\"]", sw::errc::too_many_attachments},    // reference limit: 10
      {"599999999999-[\"a\"]", sw::errc::too_many_attachments},
      {"51-[\"a\"]", sw::errc::invalid_attachments},      // count does not match placeholders
      {"51-[\"a\",{\"_placeholder\":true,\"num\":1}]", sw::errc::invalid_attachments},
      {"51-[\"a\",{\"_placeholder\":true,\"num\":-1}]", sw::errc::invalid_attachments},
      {"51-[\"a\",{\"_placeholder\":true,\"num\":\"0\"}]", sw::errc::invalid_attachments},
      {"51-[\"a\",{\"_placeholder\":true}]", sw::errc::invalid_attachments},
      {"52-[\"a\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]",
       sw::errc::invalid_attachments},
      {"51-[\"connect\",{\"_placeholder\":true,\"num\":0}]", sw::errc::reserved_event_name},
      {"61-{\"_placeholder\":true,\"num\":0}", sw::errc::invalid_payload},
  };
  for (const auto& [text, expected] : cases) EXPECT_EQ(decode_error(text), expected) << text;
}

TEST(socketio_decoder, limits_bound_hostile_input) {
  EXPECT_EQ(decode_error("2" + std::string(33, '[') + std::string(33, ']')), sw::errc::nesting_too_deep);
  EXPECT_EQ(decode_error("2" + std::string(1'000'000, '[')), sw::errc::nesting_too_deep);
  EXPECT_EQ(decode_error("2/" + std::string(300, 'n') + ",[\"x\"]"), sw::errc::invalid_namespace);
  EXPECT_EQ(decode_error("53-[\"a\"]", {.max_attachments = 2}), sw::errc::too_many_attachments);
}

TEST(socketio_decoder, binary_without_a_pending_packet_is_an_error) {
  sio::decoder d;
  sio::packet out;
  status s{};
  EXPECT_EQ(d.add_binary("x", s, out), sw::errc::unexpected_binary);
}

TEST(socketio_decoder, text_while_reassembling_is_an_error_and_drops_the_packet) {
  sio::decoder d;
  sio::packet out;
  status s{};
  ASSERT_FALSE(d.add_text(R"(52-["a",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])", s, out));
  ASSERT_FALSE(d.add_binary("1", s, out));
  EXPECT_EQ(s, status::need_attachment);
  EXPECT_EQ(d.add_text(R"(2["b"])", s, out), sw::errc::unexpected_text);
  EXPECT_FALSE(d.awaiting_attachments());
  EXPECT_EQ(d.add_binary("2", s, out), sw::errc::unexpected_binary);
}

TEST(socketio_decoder, reset_drops_a_half_reassembled_packet) {
  sio::decoder d;
  sio::packet out;
  status s{};
  ASSERT_FALSE(d.add_text(R"(51-["a",{"_placeholder":true,"num":0}])", s, out));
  EXPECT_TRUE(d.awaiting_attachments());
  d.reset();
  EXPECT_FALSE(d.awaiting_attachments());
}

TEST(socketio_codec, encode_then_decode_is_identity_over_generated_packets) {
  const std::vector<std::string> namespaces{"/", "/admin", "/a/b-c_d.é"};
  const std::vector<std::string_view> payloads{R"(["e"])", R"(["e",1,2.5,null,true,{"k":["v"]}])",
                                               R"([7,"numeric name"])", R"(["é😀","\n\"\\"])"};
  for (const auto& nsp : namespaces) {
    for (const auto& data : payloads) {
      for (const std::optional<std::uint64_t> id : {std::optional<std::uint64_t>{}, std::optional<std::uint64_t>{0},
                                                    std::optional<std::uint64_t>{sio::max_ack_id}}) {
        for (const auto type : {packet_type::event, packet_type::ack}) {
          for (std::size_t n = 0; n <= 3; ++n) {
            sio::packet p = make(type, nsp, data, id);
            for (std::size_t i = 0; i < n; ++i) {
              boost::json::object placeholder{{"_placeholder", true}, {"num", i}};
              p.data->get_array().push_back(placeholder);
              p.attachments.push_back(std::string(i * 100, static_cast<char>(i)));
            }
            sw::frame_ptr f;
            ASSERT_FALSE(sio::encode_frame(p, f));
            const auto messages = f->websocket_messages();
            ASSERT_EQ(messages.size(), n + 1);
            std::vector<std::string> attachments;
            for (std::size_t i = 1; i < messages.size(); ++i) attachments.push_back(messages[i].bytes);
            EXPECT_EQ(decode(messages[0].bytes.substr(1), attachments), p) << messages[0].bytes;
          }
        }
      }
    }
  }
  for (const auto& nsp : namespaces) {
    for (const auto& p : {make(packet_type::connect, nsp), make(packet_type::connect, nsp, R"({"token":"t"})"),
                          make(packet_type::disconnect, nsp),
                          make(packet_type::connect_error, nsp, R"({"message":"m","data":{"code":"x"}})"),
                          make(packet_type::connect_error, nsp, R"("m")")}) {
      std::string text;
      ASSERT_FALSE(sio::encode_text(p, text));
      EXPECT_EQ(decode(text), p) << text;
    }
  }
}
