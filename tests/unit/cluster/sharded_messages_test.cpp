// The sharded adapter's messages (ClusterAdapter protocol) against the bytes that the real
// createShardedAdapter of @socket.io/redis-adapter 8.3 published (tests/fixtures/cluster/
// generate_sharded.mjs): every fixture decodes to what Node meant and encodes back to its bytes.
#include "switchboard/cluster/sharded_messages.hpp"

#include <gtest/gtest.h>

#include "npm_fixtures.hpp"
#include "switchboard/wire/error.hpp"

namespace json = boost::json;
using namespace switchboard::cluster;
using switchboard::test::hex;
using switchboard::test::npm_fixture;
using switchboard::test::npm_fixtures;

namespace {

npm_fixture fixture(std::string_view name) {
  return switchboard::test::npm_fixture_named(SWITCHBOARD_SHARDED_FIXTURES, name);
}

cluster_message decoded(std::string_view name) {
  cluster_message m;
  const auto f = fixture(name);
  EXPECT_FALSE(decode_cluster_message(f.bytes, m)) << name;
  EXPECT_EQ(m.uid, f.uid) << name;
  return m;
}

template <class T>
T request_of(const cluster_message& m) {
  const auto* r = std::get_if<request>(&m.body);
  EXPECT_TRUE(r && std::holds_alternative<T>(*r));
  return r && std::holds_alternative<T>(*r) ? std::get<T>(*r) : T{};
}

template <class T>
T response_of(const cluster_message& m) {
  const auto* r = std::get_if<response>(&m.body);
  EXPECT_TRUE(r && std::holds_alternative<T>(*r));
  return r && std::holds_alternative<T>(*r) ? std::get<T>(*r) : T{};
}

json::value placeholder(int num) { return json::object{{"_placeholder", true}, {"num", num}}; }

TEST(ShardedMessages, EveryFixtureDecodesAndEncodesBackToNodesBytes) {
  const auto all = npm_fixtures(SWITCHBOARD_SHARDED_FIXTURES);
  ASSERT_EQ(all.size(), 16u);
  for (const auto& f : all) {
    cluster_message m;
    ASSERT_FALSE(decode_cluster_message(f.bytes, m)) << f.name;
    EXPECT_EQ(m.uid, f.uid) << f.name;
    std::string again;
    ASSERT_FALSE(encode_cluster_message(m, again)) << f.name;
    EXPECT_EQ(hex(again), hex(f.bytes)) << f.name;
  }
}

TEST(ShardedMessages, Broadcasts) {
  const auto all = decoded("broadcast_all");
  EXPECT_EQ(all.nsp, "/");
  const auto& b = std::get<broadcast_message>(all.body);
  EXPECT_EQ(b.uid, all.uid);
  EXPECT_EQ(*b.packet.data, json::parse(R"(["hello","world",1,-2,1.5,true,null,{"a":[1,2],"b":"x"}])"));
  EXPECT_TRUE(b.target.rooms.empty());

  const auto binary = std::get<broadcast_message>(decoded("broadcast_room_binary").body);
  EXPECT_EQ(*binary.packet.data, (json::array{"file", placeholder(0), json::object{{"nested", placeholder(1)}}}));
  EXPECT_EQ(binary.packet.attachments, (std::vector<std::string>{"\x01\x02\x03", "abc"}));
  EXPECT_EQ(binary.target.rooms, (std::set<std::string>{"room1"}));
  EXPECT_EQ(binary.target.except, (std::set<std::string>{"x"}));

  const auto chat = decoded("broadcast_rooms_flags");
  EXPECT_EQ(chat.nsp, "/chat");
  const auto& flags = std::get<broadcast_message>(chat.body).target.flags;
  EXPECT_TRUE(flags.is_volatile);
  EXPECT_FALSE(flags.compress);
}

TEST(ShardedMessages, Requests) {
  const auto ack = request_of<broadcast_request>(decoded("broadcast_with_ack"));
  EXPECT_EQ(ack.request_id, fixture("broadcast_with_ack").request_id);
  EXPECT_EQ(ack.target.flags.timeout, std::chrono::milliseconds(1500));
  EXPECT_EQ(ack.packet.attachments, (std::vector<std::string>{"\x09"}));

  const auto fetch = request_of<remote_fetch_request>(decoded("fetch_sockets"));
  EXPECT_EQ(fetch.request_id, fixture("fetch_sockets").request_id);
  EXPECT_EQ(fetch.target.rooms, (std::set<std::string>{"room1"}));
  EXPECT_EQ(fetch.target.except, (std::set<std::string>{"x"}));

  const auto join = request_of<remote_join_request>(decoded("sockets_join"));
  EXPECT_EQ(join.rooms, (std::vector<std::string>{"r2", "r3"}));
  EXPECT_EQ(join.uid, fixture("sockets_join").uid);
  EXPECT_EQ(request_of<remote_leave_request>(decoded("sockets_leave")).rooms, (std::vector<std::string>{"r2"}));
  EXPECT_TRUE(request_of<remote_disconnect_request>(decoded("disconnect_sockets")).close);

  const auto emit = request_of<server_side_emit_request>(decoded("server_side_emit"));
  EXPECT_FALSE(emit.request_id);
  EXPECT_EQ(emit.data, json::parse(R"(["hello",{"a":1},[2,"3"]])").as_array());
  EXPECT_EQ(request_of<server_side_emit_request>(decoded("server_side_emit_ack")).request_id,
            fixture("server_side_emit_ack").request_id);
}

TEST(ShardedMessages, Replies) {
  const auto fetch = response_of<remote_fetch_response>(decoded("reply_fetch_sockets"));
  ASSERT_EQ(fetch.sockets.size(), 1u);
  EXPECT_EQ(fetch.sockets[0].id, "sock0000000000000001");
  EXPECT_EQ(fetch.sockets[0].rooms, (std::vector<std::string>{"sock0000000000000001", "room1"}));
  EXPECT_EQ(fetch.sockets[0].data, json::parse(R"({"user":"u1","n":2})"));
  EXPECT_EQ(response_of<server_side_emit_response>(decoded("reply_server_side_emit")).data,
            json::value(json::parse(R"({"pong":1})")));
  EXPECT_EQ(response_of<broadcast_client_count_response>(decoded("reply_broadcast_client_count")).client_count, 1u);
  const auto ack = response_of<broadcast_ack_response>(decoded("reply_broadcast_ack"));
  EXPECT_EQ(ack.value, json::value(placeholder(0)));
  EXPECT_EQ(ack.attachments, (std::vector<std::string>{"\x07\x08"}));
}

TEST(ShardedMessages, PresenceMessagesCarryNothing) {
  for (const int type : {1, 2, 13}) {
    cluster_message m;
    const std::string bytes = R"({"type":)" + std::to_string(type) + R"(,"uid":"n1","nsp":"/"})";
    ASSERT_FALSE(decode_cluster_message(bytes, m));
    EXPECT_EQ(std::get<presence_message>(m.body).type, static_cast<cluster_message_type>(type));
  }
}

TEST(ShardedMessages, ClassicOnlyMessagesHaveNoType) {
  std::string out;
  EXPECT_EQ(encode_cluster_message({"u", "/", request{all_rooms_request{"u", "r"}}}, out), message_errc::unknown_type);
  EXPECT_EQ(encode_cluster_message({"u", "/", response{sockets_response{"r", {}}}}, out), message_errc::unknown_type);
}

TEST(ShardedMalformed, EveryTruncatedFixtureFails) {
  for (const auto& f : npm_fixtures(SWITCHBOARD_SHARDED_FIXTURES)) {
    for (std::size_t n = 0; n < f.bytes.size(); ++n) {
      cluster_message m;
      EXPECT_TRUE(decode_cluster_message(std::string_view(f.bytes.data(), n), m)) << f.name << " " << n;
    }
  }
}

// Each fixture with one byte changed: decoding fails cleanly, or gives what encodes again.
TEST(ShardedMalformed, MutatedFixturesFailOrStayEncodable) {
  for (const auto& f : npm_fixtures(SWITCHBOARD_SHARDED_FIXTURES)) {
    for (std::size_t i = 0; i < f.bytes.size(); ++i) {
      for (const char replacement : {'\x00', '\x7b', '\x90', '\xc4', '\xdc', '\xff', '9'}) {
        std::string bytes = f.bytes;
        bytes[i] = replacement;
        cluster_message m;
        std::string out;
        if (!decode_cluster_message(bytes, m)) {
          EXPECT_FALSE(encode_cluster_message(m, out)) << f.name << " " << i;
        }
      }
    }
  }
}

TEST(ShardedMalformed, WrongShapes) {
  cluster_message m;
  EXPECT_EQ(decode_cluster_message(R"({"type":14,"data":{},"uid":"n","nsp":"/"})", m), message_errc::unknown_type);
  EXPECT_EQ(decode_cluster_message(R"({"type":0,"data":{},"uid":"n","nsp":"/"})", m), message_errc::unknown_type);
  EXPECT_EQ(decode_cluster_message(R"({"data":{},"uid":"n"})", m), message_errc::missing_field);
  EXPECT_EQ(decode_cluster_message(R"({"type":4,"uid":"n"})", m), message_errc::missing_field);
  EXPECT_EQ(decode_cluster_message(R"({"type":4,"data":[],"uid":"n"})", m), message_errc::invalid_field);
  EXPECT_EQ(decode_cluster_message(R"({"type":4,"data":{"opts":{"rooms":[],"except":[]}},"uid":1})", m),
            message_errc::invalid_field);
  EXPECT_EQ(decode_cluster_message(R"({"type":6,"data":{"opts":{"rooms":[],"except":[]},"close":1}})", m),
            message_errc::invalid_field);
  EXPECT_EQ(decode_cluster_message(R"({"type":9,"data":{"packet":[]}})", m), message_errc::invalid_field);
  EXPECT_EQ(decode_cluster_message(R"({"type":3,"data":{"packet":{"type":0,"data":["x"]},"opts":{"rooms":[],)"
                                   R"("except":[],"flags":{}}}})",
                                   m),
            message_errc::invalid_packet);
  EXPECT_TRUE(decode_cluster_message("[1,2,3]", m));
  EXPECT_TRUE(decode_cluster_message("", m));
}

TEST(ShardedMalformed, MissingNamespaceMeansRootAndMissingUidIsEmpty) {
  cluster_message m;
  ASSERT_FALSE(decode_cluster_message(R"({"type":6,"data":{"opts":{"rooms":[],"except":[]},"close":false}})", m));
  EXPECT_EQ(m.nsp, "/");
  EXPECT_EQ(m.uid, "");
}

}  // namespace
