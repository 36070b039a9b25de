// The handshake a session keeps: the target and every header field, in Beast's order, in one string.
#include "switchboard/engine/handshake_request.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace switchboard::engine {
namespace {

namespace bh = boost::beast::http;
using fields = std::vector<std::pair<std::string, std::string>>;

fields all_fields(const handshake_request& h) {
  fields out;
  h.for_each_field([&out](std::string_view name, std::string_view value) { out.emplace_back(name, value); });
  return out;
}

TEST(HandshakeRequest, KeepsTheTargetAndEveryFieldInOrder) {
  http::request req{bh::verb::get, "/socket.io/?EIO=4&transport=websocket&token=a%20b", 11};
  req.set(bh::field::host, "example.com");
  req.insert("Cookie", "a=1");
  req.insert("X-Custom", "");
  req.insert("cookie", "b=2");
  req.body() = "not kept";
  const handshake_request h(req);
  EXPECT_EQ(h.target(), "/socket.io/?EIO=4&transport=websocket&token=a%20b");
  // In Beast's order: a field joins the others of its name.
  EXPECT_EQ(all_fields(h), (fields{{"Host", "example.com"}, {"Cookie", "a=1"}, {"cookie", "b=2"}, {"X-Custom", ""}}));
  EXPECT_EQ(h.size_bytes(), req.target().size() + 4 * 6 + 4 + 11 + 6 + 3 + 8 + 0 + 6 + 3);
}

TEST(HandshakeRequest, FindsTheFirstFieldOfANameWhateverItsCase) {
  http::request req{bh::verb::get, "/", 11};
  req.insert("Cookie", "first");
  req.insert("COOKIE", "second");
  const handshake_request h(req);
  EXPECT_EQ(h.find("cookie"), "first");
  EXPECT_EQ(h.find("Cookie"), "first");
  EXPECT_EQ(h.find("cookies"), std::nullopt);
  EXPECT_EQ(h.find("cooki"), std::nullopt);
}

TEST(HandshakeRequest, AValueMayHoldAnyByteWithoutEndingIt) {
  http::request req{bh::verb::get, "/", 11};
  const std::string odd("a\0b:c\x01\xff", 7);
  req.insert("X-Odd", odd);
  req.insert("X-Next", "n");
  const handshake_request h(req);
  EXPECT_EQ(h.find("x-odd"), odd);
  EXPECT_EQ(h.find("x-next"), "n");
}

TEST(HandshakeRequest, EmptyHasNoTargetAndNoFields) {
  const handshake_request h;
  EXPECT_EQ(h.target(), "");
  EXPECT_EQ(h.find("host"), std::nullopt);
  EXPECT_TRUE(all_fields(h).empty());
}

}  // namespace
}  // namespace switchboard::engine
