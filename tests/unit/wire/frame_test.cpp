#include "switchboard/wire/frame.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "switchboard/wire/engineio_v3.hpp"

namespace sw = switchboard::wire;

TEST(frame, text_frame_is_the_same_bytes_for_both_transports) {
  const sw::frame_ptr f = sw::make_text_frame(sw::eio::packet_type::message, "2[\"hi\"]");
  ASSERT_EQ(f->websocket_messages().size(), 1u);
  EXPECT_FALSE(f->websocket_messages()[0].binary);
  EXPECT_EQ(f->websocket_messages()[0].bytes, "42[\"hi\"]");
  EXPECT_EQ(f->polling_payload(), "42[\"hi\"]");
  // Same storage: polling does not copy a single text packet.
  EXPECT_EQ(f->polling_payload().data(), f->websocket_messages()[0].bytes.data());
}

TEST(frame, binary_parts_are_base64_in_polling) {
  const sw::frame f({{false, "451-[\"baz\",{\"_placeholder\":true,\"num\":0}]"},
                     {true, std::string("\x01\x02\x03\x04", 4)}});
  ASSERT_EQ(f.websocket_messages().size(), 2u);
  EXPECT_TRUE(f.websocket_messages()[1].binary);
  EXPECT_EQ(f.websocket_messages()[1].bytes, std::string("\x01\x02\x03\x04", 4));
  EXPECT_EQ(f.polling_payload(), "451-[\"baz\",{\"_placeholder\":true,\"num\":0}]\x1e" "bAQIDBA==");
}

TEST(frame, polling_form_is_computed_once_under_concurrent_readers) {
  const auto f = std::make_shared<const sw::frame>(std::vector<sw::frame::message>{
      {false, "452-[\"a\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]"},
      {true, "ab"},
      {true, ""}});
  std::vector<const char*> seen(4);
  std::vector<std::thread> readers;
  for (std::size_t i = 0; i < seen.size(); ++i) {
    readers.emplace_back([&, i] { seen[i] = f->polling_payload().data(); });
  }
  for (auto& t : readers) t.join();
  for (const char* p : seen) EXPECT_EQ(p, seen.front());
  EXPECT_EQ(f->polling_payload(),
            "452-[\"a\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]\x1e"
            "bYWI=\x1e" "b");
}

TEST(frame, v3_websocket_binary_messages_start_with_the_type_byte) {
  const sw::frame f({{false, "451-[\"bin\",{\"_placeholder\":true,\"num\":0}]"},
                     {true, std::string("\x01\x02\x03", 3)}});
  const auto v3 = f.websocket_messages_v3();
  ASSERT_EQ(v3.size(), 2u);
  EXPECT_FALSE(v3[0].binary);
  EXPECT_EQ(v3[0].bytes, "451-[\"bin\",{\"_placeholder\":true,\"num\":0}]");
  EXPECT_TRUE(v3[1].binary);
  EXPECT_EQ(v3[1].bytes, std::string("\x04\x01\x02\x03", 4));
  // The v4 messages are unchanged.
  EXPECT_EQ(f.websocket_messages()[1].bytes, std::string("\x01\x02\x03", 3));
  // Computed once: the same storage each time.
  EXPECT_EQ(f.websocket_messages_v3().data(), v3.data());
}

TEST(frame, v3_websocket_text_messages_are_the_v4_ones) {
  const sw::frame_ptr f = sw::make_text_frame(sw::eio::packet_type::message, "2[\"hi\"]");
  EXPECT_EQ(f->websocket_messages_v3().data(), f->websocket_messages().data());
  EXPECT_EQ(sw::make_binary_frame("")->websocket_messages_v3()[0].bytes, "\x04");
}

TEST(frame, v3_polling_payload_is_length_prefixed_with_binary_as_base64) {
  const sw::frame f({{false, "451-[\"bin\",{\"_placeholder\":true,\"num\":0}]"},
                     {true, std::string("\x01\x02\x03", 3)}});
  EXPECT_EQ(f.polling_payload_v3(), "41:451-[\"bin\",{\"_placeholder\":true,\"num\":0}]6:b4AQID");
  EXPECT_EQ(f.polling_payload_v3().data(), f.polling_payload_v3().data());
  EXPECT_EQ(sw::make_text_frame(sw::eio::packet_type::message, "2[\"é😀\"]")->polling_payload_v3(),
            "9:42[\"é😀\"]");
  // The v4 form is unchanged.
  EXPECT_EQ(f.polling_payload(), "451-[\"bin\",{\"_placeholder\":true,\"num\":0}]\x1e" "bAQID");
}

TEST(frame, v3_polling_fragments_of_several_frames_make_one_payload) {
  const sw::frame_ptr frames[] = {
      sw::make_text_frame(sw::eio::packet_type::open, R"({"sid":"a"})"),
      sw::make_text_frame(sw::eio::packet_type::message, "0"),
      sw::make_binary_frame(std::string("\x00\xff", 2)),
      sw::make_text_frame(sw::eio::packet_type::noop, ""),
  };
  std::string body;
  for (const auto& f : frames) body += f->polling_payload_v3();
  EXPECT_EQ(body, "12:0{\"sid\":\"a\"}2:406:b4AP8=1:6");
  std::vector<sw::eio::packet> packets;
  ASSERT_FALSE(sw::eio::v3::decode_payload(body, false, packets));
  EXPECT_EQ(packets, (std::vector<sw::eio::packet>{{sw::eio::packet_type::open, false, R"({"sid":"a"})"},
                                                   {sw::eio::packet_type::message, false, "0"},
                                                   {sw::eio::packet_type::message, true, std::string("\x00\xff", 2)},
                                                   {sw::eio::packet_type::noop, false, ""}}));
}

TEST(frame, v3_forms_are_computed_once_under_concurrent_readers) {
  const auto f = std::make_shared<const sw::frame>(std::vector<sw::frame::message>{
      {false, "452-[\"a\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]"},
      {true, "ab"},
      {true, ""}});
  std::vector<const char*> polling(4);
  std::vector<const sw::frame::message*> websocket(4);
  std::vector<std::thread> readers;
  for (std::size_t i = 0; i < polling.size(); ++i) {
    readers.emplace_back([&, i] {
      polling[i] = f->polling_payload_v3().data();
      websocket[i] = f->websocket_messages_v3().data();
    });
  }
  for (auto& t : readers) t.join();
  for (const char* p : polling) EXPECT_EQ(p, polling.front());
  for (const auto* w : websocket) EXPECT_EQ(w, websocket.front());
  EXPECT_EQ(f->polling_payload_v3(),
            "69:452-[\"a\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]"
            "6:b4YWI=2:b4");
  EXPECT_EQ(f->websocket_messages_v3()[1].bytes, "\x04" "ab");
  EXPECT_EQ(f->websocket_messages_v3()[2].bytes, "\x04");
}
