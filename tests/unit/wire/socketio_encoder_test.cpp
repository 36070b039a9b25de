// The encoding tables of the Socket.IO v5 protocol specification, byte for byte.
#include <gtest/gtest.h>

#include "socketio_test_support.hpp"
#include "switchboard/wire/error.hpp"

namespace sw = switchboard::wire;
using namespace sio_test;
using sio::packet_type;

namespace {

std::string encode(const sio::packet& p) {
  std::string out;
  EXPECT_FALSE(sio::encode_text(p, out));
  return out;
}

}  // namespace

TEST(socketio_encoder, connection_examples) {
  EXPECT_EQ(encode(make(packet_type::connect, "/")), "0");
  EXPECT_EQ(encode(make(packet_type::connect, "/", R"({"sid":"wZX3oN0bSVIhsaknAAAI"})")),
            R"(0{"sid":"wZX3oN0bSVIhsaknAAAI"})");
  EXPECT_EQ(encode(make(packet_type::connect, "/admin")), "0/admin,");
  EXPECT_EQ(encode(make(packet_type::connect, "/admin", R"({"sid":"oSO0OpakMV_3jnilAAAA"})")),
            R"(0/admin,{"sid":"oSO0OpakMV_3jnilAAAA"})");
  EXPECT_EQ(encode(make(packet_type::connect_error, "/", R"({"message":"Not authorized"})")),
            R"(4{"message":"Not authorized"})");
}

TEST(socketio_encoder, data_examples) {
  EXPECT_EQ(encode(make(packet_type::event, "/", R"(["foo"])")), R"(2["foo"])");
  EXPECT_EQ(encode(make(packet_type::event, "/admin", R"(["bar"])")), R"(2/admin,["bar"])");
  EXPECT_EQ(encode(make(packet_type::event, "/", R"(["baz",{"_placeholder":true,"num":0}])", {},
                        {bytes({1, 2, 3, 4})})),
            R"(51-["baz",{"_placeholder":true,"num":0}])");
  EXPECT_EQ(encode(make(packet_type::event, "/admin",
                        R"(["baz",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])", {},
                        {bytes({1, 2}), bytes({3, 4})})),
            R"(52-/admin,["baz",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])");
}

TEST(socketio_encoder, acknowledgement_examples) {
  EXPECT_EQ(encode(make(packet_type::event, "/", R"(["foo"])", 12)), R"(212["foo"])");
  EXPECT_EQ(encode(make(packet_type::ack, "/", "[]", 12)), "312[]");
  EXPECT_EQ(encode(make(packet_type::event, "/admin", R"(["foo"])", 13)), R"(2/admin,13["foo"])");
  EXPECT_EQ(encode(make(packet_type::ack, "/admin", R"(["bar"])", 13)), R"(3/admin,13["bar"])");
  EXPECT_EQ(encode(make(packet_type::event, "/", R"(["foo",{"_placeholder":true,"num":0}])", 14,
                        {bytes({1, 2, 3, 4})})),
            R"(51-14["foo",{"_placeholder":true,"num":0}])");
  EXPECT_EQ(encode(make(packet_type::ack, "/", R"(["bar"])", 14)), R"(314["bar"])");
  EXPECT_EQ(encode(make(packet_type::ack, "/", R"(["bar",{"_placeholder":true,"num":0}])", 15,
                        {bytes({1, 2, 3, 4})})),
            R"(61-15["bar",{"_placeholder":true,"num":0}])");
}

TEST(socketio_encoder, disconnection_examples) {
  EXPECT_EQ(encode(make(packet_type::disconnect, "/")), "1");
  EXPECT_EQ(encode(make(packet_type::disconnect, "/admin")), "1/admin,");
}

TEST(socketio_encoder, empty_namespace_is_the_main_one) {
  EXPECT_EQ(encode(make(packet_type::event, "", R"(["foo"])")), R"(2["foo"])");
}

TEST(socketio_encoder, binary_types_without_attachments_are_plain) {
  EXPECT_EQ(encode(make(packet_type::binary_event, "/", R"(["foo"])")), R"(2["foo"])");
  EXPECT_EQ(encode(make(packet_type::binary_ack, "/", "[]", 3)), "33[]");
}

TEST(socketio_encoder, frame_prefixes_message_type_and_carries_attachments) {
  sw::frame_ptr f;
  ASSERT_FALSE(sio::encode_frame(make(packet_type::event, "/", R"(["hey","Jude"])"), f));
  ASSERT_EQ(f->websocket_messages().size(), 1u);
  EXPECT_EQ(f->websocket_messages()[0].bytes, R"(42["hey","Jude"])");

  ASSERT_FALSE(sio::encode_frame(make(packet_type::event, "/admin",
                                      R"(["baz",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])",
                                      {}, {bytes({1, 2}), bytes({3, 4})}),
                                 f));
  const auto messages = f->websocket_messages();
  ASSERT_EQ(messages.size(), 3u);
  EXPECT_EQ(messages[0].bytes,
            R"(452-/admin,["baz",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])");
  EXPECT_TRUE(messages[1].binary);
  EXPECT_EQ(messages[1].bytes, bytes({1, 2}));
  EXPECT_EQ(messages[2].bytes, bytes({3, 4}));
  EXPECT_EQ(f->polling_payload(),
            "452-/admin,[\"baz\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]"
            "\x1e" "bAQI=\x1e" "bAwQ=");
}

TEST(socketio_encoder, refuses_what_cannot_be_decoded_back) {
  std::string out;
  EXPECT_EQ(sio::encode_text(make(packet_type::event, "/a,b", R"(["x"])"), out),
            sw::errc::invalid_namespace);
  EXPECT_EQ(sio::encode_text(make(packet_type::event, "admin", R"(["x"])"), out),
            sw::errc::invalid_namespace);
  EXPECT_EQ(sio::encode_text(make(packet_type::event, "/", R"(["x"])", sio::max_ack_id + 1), out),
            sw::errc::invalid_ack_id);
  EXPECT_EQ(sio::encode_text(make(packet_type::connect, "/", "{}", {}, {bytes({1})}), out),
            sw::errc::invalid_attachments);
  EXPECT_TRUE(out.empty());
  sw::frame_ptr f;
  EXPECT_EQ(sio::encode_frame(make(packet_type::event, "/a,b", R"(["x"])"), f),
            sw::errc::invalid_namespace);
  EXPECT_EQ(f, nullptr);
}
