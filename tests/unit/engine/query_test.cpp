// The request target's query, as Engine.IO reads it: EIO, transport and sid in one parse.
#include "query.hpp"

#include <gtest/gtest.h>

namespace switchboard::engine::detail {
namespace {

constexpr std::array<std::string_view, 3> engine_keys{"EIO", "transport", "sid"};

TEST(Query, ReadsEveryKeyInOneParse) {
  const auto [eio, transport, sid] = query_params("/socket.io/?EIO=4&transport=polling&t=Ox1&sid=abc", engine_keys);
  EXPECT_EQ(eio, "4");
  EXPECT_EQ(transport, "polling");
  EXPECT_EQ(sid, "abc");
}

TEST(Query, AbsentAndValuelessKeysAreNullopt) {
  const auto [eio, transport, sid] = query_params("/socket.io/?EIO&transport=websocket", engine_keys);
  EXPECT_EQ(eio, std::nullopt);
  EXPECT_EQ(transport, "websocket");
  EXPECT_EQ(sid, std::nullopt);
}

TEST(Query, FirstOccurrenceWinsAsInQueryParam) {
  const std::string_view target = "/socket.io/?sid&sid=later&EIO=4&EIO=3";
  const auto [eio, transport, sid] = query_params(target, engine_keys);
  EXPECT_EQ(eio, query_param(target, "EIO"));
  EXPECT_EQ(eio, "4");
  EXPECT_EQ(sid, query_param(target, "sid"));
  EXPECT_EQ(sid, std::nullopt);
  EXPECT_EQ(transport, std::nullopt);
}

TEST(Query, DecodesAsQueryParam) {
  const std::string_view target = "/socket.io/?transport=web%73ocket&sid=a+b%2Bc&%45IO=4";
  const auto [eio, transport, sid] = query_params(target, engine_keys);
  EXPECT_EQ(transport, "websocket");
  EXPECT_EQ(sid, query_param(target, "sid"));
  EXPECT_EQ(eio, query_param(target, "EIO"));
  EXPECT_EQ(eio, "4");
}

TEST(Query, ATargetThatDoesNotParseHasNoKeys) {
  const auto [eio, transport, sid] = query_params("socket.io?EIO=4", engine_keys);
  EXPECT_EQ(eio, std::nullopt);
  EXPECT_EQ(transport, std::nullopt);
  EXPECT_EQ(sid, std::nullopt);
}

}  // namespace
}  // namespace switchboard::engine::detail
