// RESP2 without I/O: commands as Redis reads them, replies from bytes in pieces of any size, and
// which replies of a subscribed connection are pushes.
#include "resp.hpp"

#include <gtest/gtest.h>

using switchboard::cluster::redis_reply;
using namespace switchboard::cluster::detail;

namespace {

TEST(Resp, FormatsACommandAsAnArrayOfBulkStrings) {
  EXPECT_EQ(format_command({"SPUBLISH", "socket.io#/#", std::string("a\0b\r\n", 5)}),
            std::string("*3\r\n$8\r\nSPUBLISH\r\n$12\r\nsocket.io#/#\r\n$5\r\na\0b\r\n\r\n", 48));
  EXPECT_EQ(format_command({"PING"}), "*1\r\n$4\r\nPING\r\n");
  EXPECT_EQ(format_command({"SET", ""}), "*2\r\n$3\r\nSET\r\n$0\r\n\r\n");
}

TEST(Resp, ReadsEveryReplyKindFromBytesSplitAnywhere) {
  const std::string stream =
      "+OK\r\n-ERR wrong\r\n:42\r\n$-1\r\n$5\r\nhe\r\no\r\n*2\r\n*1\r\n:1\r\n$0\r\n\r\n*-1\r\n";
  for (std::size_t piece = 1; piece <= stream.size(); ++piece) {
    reply_reader reader;
    std::vector<redis_reply> replies;
    for (std::size_t at = 0; at < stream.size(); at += piece) {
      reader.feed(std::string_view(stream).substr(at, piece));
      redis_reply r;
      while (true) {
        const auto status = reader.next(r);
        ASSERT_NE(status, reply_reader::status::error);
        if (status == reply_reader::status::more) break;
        replies.push_back(r);
      }
    }
    ASSERT_EQ(replies.size(), 7u) << piece;
    EXPECT_EQ(replies[0].type, redis_reply::kind::status);
    EXPECT_EQ(replies[0].str, "OK");
    EXPECT_TRUE(replies[1].is_error());
    EXPECT_EQ(replies[1].str, "ERR wrong");
    EXPECT_EQ(replies[2].integer, 42);
    EXPECT_EQ(replies[3].type, redis_reply::kind::nil);
    EXPECT_EQ(replies[4].str, "he\r\no");
    ASSERT_EQ(replies[5].elements.size(), 2u);
    EXPECT_EQ(replies[5].elements[0].elements[0].integer, 1);
    EXPECT_EQ(replies[5].elements[1].str, "");
    EXPECT_EQ(replies[6].type, redis_reply::kind::nil);
  }
}

TEST(Resp, RefusesWhatIsNotResp) {
  reply_reader reader;
  reader.feed("?what\r\n");
  redis_reply r;
  EXPECT_EQ(reader.next(r), reply_reader::status::error);
  EXPECT_FALSE(reader.error().empty());
}

redis_reply array(std::vector<std::string> items) {
  redis_reply r;
  r.type = redis_reply::kind::array;
  for (auto& i : items) r.elements.push_back({redis_reply::kind::string, std::move(i), 0, {}});
  return r;
}

TEST(Resp, TellsPushesFromReplies) {
  push p;  // views into the reply: each reply outlives its checks
  const auto smessage = array({"smessage", "socket.io#/#", "{}"});
  ASSERT_TRUE(as_push(smessage, p));
  EXPECT_EQ(p.kind, "smessage");
  EXPECT_EQ(p.channel, "socket.io#/#");
  EXPECT_EQ(p.payload, "{}");
  EXPECT_TRUE(p.pattern.empty());
  const auto pmessage = array({"pmessage", "a#*", "a#b", "x"});
  ASSERT_TRUE(as_push(pmessage, p));
  EXPECT_EQ(p.pattern, "a#*");
  EXPECT_EQ(p.channel, "a#b");
  EXPECT_TRUE(as_push(array({"message", "c", "x"}), p));
  redis_reply confirmation = array({"ssubscribe", "c"});
  confirmation.elements.push_back({redis_reply::kind::integer, "", 1, {}});
  ASSERT_TRUE(as_push(confirmation, p));
  EXPECT_EQ(p.kind, "ssubscribe");
  EXPECT_EQ(p.channel, "c");

  EXPECT_FALSE(as_push(array({"pong", ""}), p));                 // PING while subscribed: a reply
  EXPECT_FALSE(as_push(array({"message", "c"}), p));             // too short
  EXPECT_FALSE(as_push(array({"smessage", "c", "x", "y"}), p));  // too long
  EXPECT_FALSE(as_push({redis_reply::kind::string, "message", 0, {}}, p));
}

}  // namespace
