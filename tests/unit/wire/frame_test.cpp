#include "switchboard/wire/frame.hpp"

#include <gtest/gtest.h>

#include <thread>

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
