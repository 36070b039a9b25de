#include "chat/chat_text.hpp"

#include <gtest/gtest.h>

#include "chat/chat_error.hpp"

namespace chat = switchboard::chat;

TEST(ChatText, RefusesEmptyText) { EXPECT_EQ(chat::check_text("", 10), chat::errc::text_empty); }

TEST(ChatText, CountsBytesNotCharacters) {
  EXPECT_EQ(chat::check_text("abcd", 4), std::error_code());
  EXPECT_EQ(chat::check_text("abcde", 4), chat::errc::text_too_long);
  EXPECT_EQ(chat::check_text("\xc3\xa9\xc3\xa9", 4), std::error_code());    // 2 characters, 4 bytes
  EXPECT_EQ(chat::check_text("\xc3\xa9\xc3\xa9" "a", 4), chat::errc::text_too_long);
}

TEST(ChatText, WhitespaceIsText) { EXPECT_EQ(chat::check_text(" ", 10), std::error_code()); }
