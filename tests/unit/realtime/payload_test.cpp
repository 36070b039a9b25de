#include "switchboard/realtime/payload.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "test_events.hpp"

namespace json = boost::json;
namespace rt = switchboard::realtime;
using test_events::Author;
using test_events::Note;

namespace {

Note sample() {
  Note n;
  n.text = "hello";
  n.votes = 3;
  n.score = 1.5;
  n.pinned = true;
  n.priority = test_events::Priority::high;
  n.author = Author{"42", std::nullopt};
  n.tags = {"a", "b"};
  n.counters = {{"views", 7}};
  return n;
}

std::optional<rt::payload_error> parse_into(std::string_view text, Note& out) {
  return rt::from_json(json::parse(text), out);
}

TEST(Payload, WritesDescribedStructsAsJsonObjects) {
  EXPECT_EQ(json::serialize(rt::to_json(sample())),
            R"({"text":"hello","votes":3,"score":1.5E0,"pinned":true,"priority":"high","author":{"id":"42"},)"
            R"("tags":["a","b"],"counters":{"views":7}})");
}

TEST(Payload, RoundTrips) {
  Note back;
  ASSERT_FALSE(rt::from_json(rt::to_json(sample()), back));
  EXPECT_EQ(back.text, "hello");
  EXPECT_EQ(back.votes, 3);
  EXPECT_EQ(back.priority, test_events::Priority::high);
  EXPECT_EQ(back.author.id, "42");
  EXPECT_FALSE(back.author.nickname);
  EXPECT_EQ(back.tags, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(back.counters.at("views"), 7);
  EXPECT_FALSE(back.editedAt);
}

TEST(Payload, OptionalMembersMayBeAbsentOrNullAndUnknownKeysAreIgnored) {
  Note n;
  ASSERT_FALSE(parse_into(R"({"text":"t","votes":1,"score":2,"pinned":false,"priority":"low","author":{"id":"1","nickname":null},)"
                          R"("tags":[],"counters":{},"extra":"ignored"})", n));
  EXPECT_EQ(n.score, 2.0);
  EXPECT_FALSE(n.author.nickname);
}

struct mismatch {
  std::string json;
  const char* path;
  const char* expected;
};

TEST(Payload, NamesWhereAndWhatOnAMismatch) {
  const std::string base = R"("score":1,"pinned":true,"priority":"low","author":{"id":"1"},"tags":[],"counters":{})";
  for (const mismatch& m : {
           mismatch{"[]", "", "Note"},
           mismatch{R"({"votes":1})", "text", "string"},
           mismatch{(R"({"text":5,"votes":1,)" + base + "}"), "text", "string"},
           mismatch{(R"({"text":"t","votes":1.5,)" + base + "}"), "votes", "integer"},
           mismatch{(R"({"text":"t","votes":99999999999,)" + base + "}"), "votes", "integer"},
       }) {
    Note n;
    const auto error = parse_into(m.json, n);
    ASSERT_TRUE(error) << m.json;
    EXPECT_EQ(error->path, m.path) << m.json;
    EXPECT_EQ(error->expected, m.expected) << m.json;
  }
  Note n;
  const auto deep = parse_into(R"({"text":"t","votes":1,"score":1,"pinned":true,"priority":"urgent","author":{"id":"1"},"tags":[],"counters":{}})", n);
  ASSERT_TRUE(deep);
  EXPECT_EQ(deep->message(), "priority: expected Priority");
  const auto inner = parse_into(R"({"text":"t","votes":1,"score":1,"pinned":true,"priority":"low","author":{"id":"1"},"tags":["x",2],"counters":{}})", n);
  ASSERT_TRUE(inner);
  EXPECT_EQ(inner->message(), "tags[1]: expected string");
  const auto nested = parse_into(R"({"text":"t","votes":1,"score":1,"pinned":true,"priority":"low","author":{"nickname":"n"},"tags":[],"counters":{}})", n);
  ASSERT_TRUE(nested);
  EXPECT_EQ(nested->message(), "author.id: expected string");
}

TEST(Payload, TypeNamesAreUnqualified) {
  EXPECT_EQ(rt::type_name<Note>(), "Note");
  EXPECT_EQ(rt::expected_name<std::vector<std::optional<int>>>(), "array of integer or null");
}

}  // namespace
