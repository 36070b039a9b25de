// The chat store on a scratch SQLite file per test.
#include "chat/chat_store.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <set>
#include <thread>
#include <string>
#include <vector>

#include "chat/chat_error.hpp"

namespace chat = switchboard::chat;

namespace {

class ChatStore : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           ("switchboard-chat-" + std::to_string(getpid()) + "-" + test->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    store_ = std::make_unique<chat::chat_store>((dir_ / "chat.db").string());
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::string room(std::string_view id, const std::vector<std::string>& members) {
    std::string created;
    EXPECT_EQ(store_->create_room(id, "a room", members, 1000, created), std::error_code());
    return created;
  }

  std::int64_t append(std::string_view room_id, std::string_view user, std::string_view text, std::int64_t at = 1) {
    std::int64_t id = 0;
    EXPECT_EQ(store_->append_message(room_id, user, text, at, id), std::error_code());
    return id;
  }

  std::filesystem::path dir_;
  std::unique_ptr<chat::chat_store> store_;
};

TEST_F(ChatStore, CreatesARoomWithItsMembers) {
  EXPECT_EQ(room("team", {"alice", "bob"}), "team");
  EXPECT_EQ(store_->check_room("team"), std::error_code());
  EXPECT_EQ(store_->check_member("team", "alice"), std::error_code());
  EXPECT_EQ(store_->check_member("team", "bob"), std::error_code());
  EXPECT_EQ(store_->check_member("team", "carol"), chat::errc::not_a_member);
}

TEST_F(ChatStore, GeneratesDistinctUrlSafeIdsWhenNoneIsGiven) {
  std::set<std::string> ids;
  for (int i = 0; i < 20; ++i) {
    const std::string id = room("", {"alice"});
    ASSERT_EQ(id.size(), 12U);
    EXPECT_EQ(id.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), std::string::npos)
        << id;
    EXPECT_EQ(store_->check_member(id, "alice"), std::error_code());
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), 20U);
}

TEST_F(ChatStore, RefusesAnExistingIdAndKeepsTheFirstRoomsMembers) {
  room("team", {"alice"});
  std::string created = "untouched";
  EXPECT_EQ(store_->create_room("team", "again", {"mallory"}, 2000, created), chat::errc::room_exists);
  EXPECT_EQ(created, "untouched");
  // Creating a room never adds members to an existing one.
  EXPECT_EQ(store_->check_member("team", "mallory"), chat::errc::not_a_member);
  EXPECT_EQ(store_->check_member("team", "alice"), std::error_code());
}

TEST_F(ChatStore, RefusesARoomIdThatModuleRoomsCouldNeverJoin) {
  std::string created;
  EXPECT_EQ(store_->create_room(std::string(chat::max_room_id + 1, 'x'), "long", {"alice"}, 1, created),
            chat::errc::room_id_invalid);
  EXPECT_EQ(room(std::string(chat::max_room_id, 'x'), {"alice"}), std::string(chat::max_room_id, 'x'));
}

TEST_F(ChatStore, UnknownRoomsAreRoomUnknownEverywhere) {
  room("team", {"alice"});
  std::int64_t id = 0;
  std::vector<chat::stored_message> messages;
  EXPECT_EQ(store_->check_room("nope"), chat::errc::room_unknown);
  EXPECT_EQ(store_->check_member("nope", "alice"), chat::errc::room_unknown);
  EXPECT_EQ(store_->add_member("nope", "alice"), chat::errc::room_unknown);
  EXPECT_EQ(store_->append_message("nope", "alice", "hi", 1, id), chat::errc::room_unknown);
  EXPECT_EQ(store_->messages_after("nope", 0, 10, messages), chat::errc::room_unknown);
  EXPECT_TRUE(messages.empty());
}

TEST_F(ChatStore, AddsMembersIdempotently) {
  room("team", {"alice"});
  std::int64_t id = 0;
  EXPECT_EQ(store_->append_message("team", "bob", "hi", 1, id), chat::errc::not_a_member);
  EXPECT_EQ(store_->add_member("team", "bob"), std::error_code());
  EXPECT_EQ(store_->add_member("team", "bob"), std::error_code());
  EXPECT_EQ(store_->check_member("team", "bob"), std::error_code());
  EXPECT_GT(append("team", "bob", "hi"), 0);
}

TEST_F(ChatStore, MembershipIsPerRoom) {
  room("a", {"alice"});
  room("b", {"bob"});
  EXPECT_EQ(store_->check_member("a", "bob"), chat::errc::not_a_member);
  EXPECT_EQ(store_->check_member("b", "alice"), chat::errc::not_a_member);
}

TEST_F(ChatStore, OnlyMembersAppendAndNothingIsStoredForOthers) {
  room("team", {"alice"});
  std::int64_t id = -1;
  EXPECT_EQ(store_->append_message("team", "mallory", "spam", 1, id), chat::errc::not_a_member);
  EXPECT_EQ(id, -1);
  std::vector<chat::stored_message> messages;
  ASSERT_EQ(store_->messages_after("team", 0, 10, messages), std::error_code());
  EXPECT_TRUE(messages.empty());
}

TEST_F(ChatStore, StoresMessagesExactlyWithIncreasingIds) {
  room("team", {"alice", "bob"});
  const std::string binary_safe("caf\xc3\xa9 \0 done", 13);
  const std::int64_t first = append("team", "alice", "hello", 1700000000123);
  const std::int64_t second = append("team", "bob", binary_safe, 1700000000456);
  EXPECT_GT(first, 0);
  EXPECT_GT(second, first);

  std::vector<chat::stored_message> messages;
  ASSERT_EQ(store_->messages_after("team", 0, 10, messages), std::error_code());
  ASSERT_EQ(messages.size(), 2U);
  EXPECT_EQ(messages[0].id, first);
  EXPECT_EQ(messages[0].room_id, "team");
  EXPECT_EQ(messages[0].user_id, "alice");
  EXPECT_EQ(messages[0].text, "hello");
  EXPECT_EQ(messages[0].sent_at, 1700000000123);
  EXPECT_EQ(messages[1].id, second);
  EXPECT_EQ(messages[1].user_id, "bob");
  EXPECT_EQ(messages[1].text, binary_safe);
  EXPECT_EQ(messages[1].sent_at, 1700000000456);
}

TEST_F(ChatStore, MessagesAfterPagesInAscendingOrderWithinOneRoom) {
  room("a", {"alice"});
  room("b", {"alice"});
  std::vector<std::int64_t> in_a;
  for (int i = 0; i < 10; ++i) {
    in_a.push_back(append("a", "alice", "a" + std::to_string(i)));
    append("b", "alice", "b" + std::to_string(i));  // interleaved: ids of room a are not contiguous
  }

  std::vector<chat::stored_message> page;
  ASSERT_EQ(store_->messages_after("a", in_a[3], 4, page), std::error_code());
  ASSERT_EQ(page.size(), 4U);
  for (std::size_t i = 0; i < page.size(); ++i) {
    EXPECT_EQ(page[i].id, in_a[4 + i]);
    EXPECT_EQ(page[i].room_id, "a");
    EXPECT_EQ(page[i].text, "a" + std::to_string(4 + i));
  }

  std::vector<chat::stored_message> rest;
  ASSERT_EQ(store_->messages_after("a", page.back().id, 100, rest), std::error_code());
  ASSERT_EQ(rest.size(), 2U);
  EXPECT_EQ(rest[0].id, in_a[8]);
  EXPECT_EQ(rest[1].id, in_a[9]);

  std::vector<chat::stored_message> none;
  ASSERT_EQ(store_->messages_after("a", in_a.back(), 100, none), std::error_code());
  EXPECT_TRUE(none.empty());
}

TEST_F(ChatStore, MessagesAfterReturnsAtMostMaxPage) {
  room("team", {"alice"});
  for (std::size_t i = 0; i < chat::max_page + 5; ++i) append("team", "alice", "m");
  std::vector<chat::stored_message> messages;
  ASSERT_EQ(store_->messages_after("team", 0, 100000, messages), std::error_code());
  EXPECT_EQ(messages.size(), chat::max_page);
  std::vector<chat::stored_message> zero;
  ASSERT_EQ(store_->messages_after("team", 0, 0, zero), std::error_code());
  EXPECT_TRUE(zero.empty());
}

TEST_F(ChatStore, KeepsEverythingAcrossReopening) {
  room("team", {"alice"});
  const std::int64_t first = append("team", "alice", "before");
  store_ = std::make_unique<chat::chat_store>((dir_ / "chat.db").string());
  EXPECT_EQ(store_->check_member("team", "alice"), std::error_code());
  const std::int64_t second = append("team", "alice", "after");
  EXPECT_GT(second, first);
  std::vector<chat::stored_message> messages;
  ASSERT_EQ(store_->messages_after("team", 0, 10, messages), std::error_code());
  ASSERT_EQ(messages.size(), 2U);
  EXPECT_EQ(messages[0].text, "before");
  EXPECT_EQ(messages[1].text, "after");
}

TEST_F(ChatStore, ConcurrentAppendsGetDistinctIds) {
  room("team", {"alice"});
  constexpr int threads = 4;
  constexpr int each = 50;
  std::vector<std::vector<std::int64_t>> ids(threads);
  {
    std::vector<std::jthread> writers;
    for (int t = 0; t < threads; ++t) {
      writers.emplace_back([&, t] {
        for (int i = 0; i < each; ++i) ids[t].push_back(append("team", "alice", "x"));
      });
    }
  }
  std::set<std::int64_t> all;
  for (const auto& mine : ids) {
    for (std::size_t i = 1; i < mine.size(); ++i) EXPECT_GT(mine[i], mine[i - 1]);
    all.insert(mine.begin(), mine.end());
  }
  EXPECT_EQ(all.size(), static_cast<std::size_t>(threads * each));
}

TEST_F(ChatStore, AnUnusableFileIsAStartUpError) {
  EXPECT_THROW(chat::chat_store((dir_ / "missing-dir" / "chat.db").string()), std::runtime_error);
}

TEST(ChatError, EveryCodeHasItsNameAndAMessage) {
  const std::vector<std::pair<chat::errc, std::string_view>> codes = {
      {chat::errc::room_unknown, "room_unknown"},         {chat::errc::not_a_member, "not_a_member"},
      {chat::errc::room_exists, "room_exists"},           {chat::errc::room_id_invalid, "room_id_invalid"},
      {chat::errc::text_empty, "text_empty"},             {chat::errc::text_too_long, "text_too_long"},
      {chat::errc::too_many_pending, "too_many_pending"}, {chat::errc::store_failed, "store_failed"},
  };
  for (const auto& [code, name] : codes) {
    const std::error_code ec = code;
    EXPECT_EQ(chat::code_name(ec), name);
    EXPECT_FALSE(ec.message().empty());
    EXPECT_EQ(std::string(ec.category().name()), "switchboard.chat");
  }
  EXPECT_EQ(chat::code_name(std::make_error_code(std::errc::io_error)), "internal_error");
}

}  // namespace
