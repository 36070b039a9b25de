// The sharded protocol (Node's createShardedAdapter): nodes in one process over a real
// redis-server 7, each wrapping a fake local adapter. An event for one room travels only to the
// nodes where that room has sockets; every request works as with the classic protocol; and what
// the real Node adapter published is understood.
#include <gtest/gtest.h>

#include "npm_fixtures.hpp"
#include "redis_adapter_fixture.hpp"

namespace asio = boost::asio;
namespace json = boost::json;
namespace cluster = switchboard::cluster;
namespace sio = switchboard::sio;
using switchboard::test::event;
using switchboard::test::eventually;
using switchboard::test::frame_of;
using switchboard::test::test_node;
using namespace std::chrono_literals;

namespace {

class ShardedAdapter : public switchboard::test::RedisAdapter {
 protected:
  test_node make_sharded(const std::string& nsp = "/",
                         cluster::subscription_mode mode = cluster::subscription_mode::public_rooms) {
    cluster::redis_adapter_options options;
    options.protocol = cluster::adapter_protocol::sharded;
    options.subscriptions = mode;
    options.request_timeout = 2s;
    return make_node(nsp, options);
  }

  long shard_subscribers(const std::string& channel) {
    const auto n = command({"PUBSUB", "SHARDNUMSUB", channel});
    return n.elements.size() == 2 ? static_cast<long>(n.elements[1].integer) : -1;
  }

  // Every node on the namespace's channel and its own response channel, plus `rooms` channels.
  void wait_sharded(long nodes, long rooms = 0) {
    ASSERT_TRUE(eventually([&] { return probe_->stats().connected; }));
    ASSERT_TRUE(eventually([&] { return shard_subscriptions() == 2 * nodes + rooms; })) << shard_subscriptions();
  }
};

TEST_F(ShardedAdapter, UsesNodesUidAndChannels) {
  auto a = make_sharded();
  wait_sharded(1);
  const std::string uid = a.cluster->uid("/");
  ASSERT_EQ(uid.size(), 16u);
  EXPECT_EQ(uid.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(shard_subscribers("socket.io#/#"), 1);
  EXPECT_EQ(shard_subscribers("socket.io#/#" + uid + "#"), 1);
}

TEST_F(ShardedAdapter, BroadcastReachesTheOtherNodeWithRoomsAndExcept) {
  auto a = make_sharded();
  auto b = make_sharded();
  b.local->add_socket("b1", {"r1"});
  wait_sharded(2);

  const auto p = event({"hello", 1});
  a.adapter->broadcast(p, frame_of(p), {{"r1", "r2"}, {"x"}, {}}, {});
  ASSERT_TRUE(eventually([&] { return b.local->broadcasts().size() == 1; }));
  const auto got = b.local->broadcasts()[0];
  EXPECT_EQ(got.target.rooms, (std::set<std::string>{"r1", "r2"}));
  EXPECT_EQ(got.target.except, (std::set<std::string>{"x"}));
  EXPECT_EQ(got.messages[0].bytes, "42[\"hello\",1]");
  std::this_thread::sleep_for(100ms);  // our own echo is not delivered a second time
  EXPECT_EQ(a.local->broadcasts().size(), 1u);
}

// What the issue asks of a user-targeted event: it travels only where the user is.
TEST_F(ShardedAdapter, AnEventForOneRoomReachesOnlyTheNodesThatHaveIt) {
  auto a = make_sharded();
  auto b = make_sharded();
  auto c = make_sharded();
  b.local->add_socket("b1", {"user:42"});
  b.adapter->room_created("user:42", false);  // what sio tells the adapter
  b.adapter->room_created("b1b1b1b1b1b1b1b1b1b1", true);  // a socket's own room: no channel in this mode
  wait_sharded(3, 1);
  EXPECT_EQ(shard_subscribers("socket.io#/#user:42#"), 1);
  EXPECT_EQ(shard_subscribers("socket.io#/#b1b1b1b1b1b1b1b1b1b1#"), 0);

  const auto p = event({"notice", 1});
  a.adapter->broadcast(p, frame_of(p), {{"user:42"}, {}, {}}, {});
  ASSERT_TRUE(eventually([&] { return b.local->broadcasts().size() == 1; }));
  std::this_thread::sleep_for(200ms);
  EXPECT_TRUE(c.local->broadcasts().empty());
  EXPECT_EQ(c.cluster->stats().received, 0u);  // not even received: Redis did not send it there

  b.adapter->room_deleted("user:42", false);
  ASSERT_TRUE(eventually([&] { return shard_subscribers("socket.io#/#user:42#") == 0; }));
  a.adapter->broadcast(p, frame_of(p), {{"user:42"}, {}, {}}, {});
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(b.local->broadcasts().size(), 1u);
}

TEST_F(ShardedAdapter, EveryRoomModeGivesSocketRoomsAChannelAndStaticModeNone) {
  auto every = make_sharded("/", cluster::subscription_mode::every_room);
  every.adapter->room_created("sock0000000000000001", true);
  auto fixed = make_sharded("/other", cluster::subscription_mode::namespace_only);
  EXPECT_FALSE(fixed.adapter->tracks_rooms());
  EXPECT_TRUE(every.adapter->tracks_rooms());
  wait_sharded(2, 1);
  EXPECT_EQ(shard_subscribers("socket.io#/#sock0000000000000001#"), 1);

  // A socket-id room goes on its own channel in every_room mode, on the namespace's otherwise.
  cluster::redis_connection watcher(io_.get_executor(), endpoint());
  std::mutex mutex;
  std::vector<std::string> channels;
  watcher.on_message([&](std::string_view, std::string_view channel, std::string_view) {
    const std::lock_guard lock(mutex);
    channels.emplace_back(channel);
  });
  watcher.ssubscribe({"socket.io#/other#", "socket.io#/other#room#", "socket.io#/#sock0000000000000002#"});
  watcher.start();
  wait_sharded(2, 4);
  auto p = event({"e"}, "/other");
  fixed.adapter->broadcast(p, frame_of(p), {{"room"}, {}, {}}, {});
  p = event({"e"});
  every.adapter->broadcast(p, frame_of(p), {{"sock0000000000000002"}, {}, {}}, {});
  ASSERT_TRUE(eventually([&] {
    const std::lock_guard lock(mutex);
    return channels.size() == 2;
  }));
  const std::lock_guard lock(mutex);
  EXPECT_EQ(channels, (std::vector<std::string>{"socket.io#/other#", "socket.io#/#sock0000000000000002#"}));
}

TEST_F(ShardedAdapter, RequestsGatherEveryNode) {
  auto a = make_sharded();
  auto b = make_sharded();
  a.local->add_socket("a1", {"room"}, json::value("from a"));
  b.local->add_socket("b1", {"room"}, json::value("from b"));
  b.local->add_socket("b2", {}, json::value(2));
  switchboard::test::server_side_emits emits;
  emits.answer_on(*b.cluster);
  wait_sharded(2);

  std::promise<std::vector<sio::socket_info>> fetched;
  a.adapter->fetch_sockets({{"room"}, {}, {}}, [&](std::vector<sio::socket_info> s) { fetched.set_value(std::move(s)); });
  auto sockets = fetched.get_future();
  ASSERT_EQ(sockets.wait_for(5s), std::future_status::ready);
  std::set<std::string> ids;
  for (const auto& s : sockets.get()) ids.insert(s.id);
  EXPECT_EQ(ids, (std::set<std::string>{"a1", "b1"}));

  std::promise<std::pair<std::error_code, std::vector<sio::arguments>>> acked;
  auto p = event({"question"});
  sio::broadcast_target everyone;
  everyone.flags.timeout = 3s;
  a.adapter->broadcast_with_ack(
      p, frame_of(p), 7, everyone,
      [&](std::error_code ec, std::vector<sio::arguments> answers) { acked.set_value({ec, std::move(answers)}); }, {});
  auto answers = acked.get_future();
  ASSERT_EQ(answers.wait_for(5s), std::future_status::ready);
  const auto [ack_ec, values] = answers.get();
  EXPECT_FALSE(ack_ec) << ack_ec.message();
  std::multiset<std::string> texts;
  for (const auto& x : values) texts.insert(json::serialize(x.values.at(0)));
  EXPECT_EQ(texts, (std::multiset<std::string>{"\"from a\"", "\"from b\"", "2"}));

  std::promise<std::pair<std::error_code, std::vector<json::value>>> emitted;
  a.cluster->server_side_emit("/", json::array{"ping"}, [&](std::error_code ec, std::vector<json::value> v) {
    emitted.set_value({ec, std::move(v)});
  });
  auto replies = emitted.get_future();
  ASSERT_EQ(replies.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(replies.get().second, (std::vector<json::value>{json::value("pong")}));
  EXPECT_EQ(emits.list(), (std::vector<std::string>{"/[\"ping\"]"}));

  a.adapter->add_sockets({{"room"}, {}, {}}, "r2");
  ASSERT_TRUE(eventually([&] { return b.local->rooms_of("b1")->contains("r2"); }));
  a.adapter->disconnect_sockets({{"r2"}, {}, {}}, true);
  ASSERT_TRUE(eventually([&] { return !b.local->rooms_of("b1"); }));
  EXPECT_TRUE(b.local->rooms_of("b2"));
  std::this_thread::sleep_for(100ms);  // our own echo is not applied a second time
  EXPECT_EQ(a.local->calls("join"), 1);
}

TEST_F(ShardedAdapter, AGoneNamespaceUnsubscribesEverything) {
  auto a = make_sharded();
  a.adapter->room_created("user:1", false);
  wait_sharded(1, 1);
  a.adapter.reset();  // sio drops the adapter with its namespace
  ASSERT_TRUE(eventually([&] { return shard_subscriptions() == 0; }));
}

TEST_F(ShardedAdapter, UnderstandsWhatTheNodeAdapterPublished) {
  auto root = make_sharded("/");
  auto chat = make_sharded("/chat");
  root.local->add_socket("s1", {"room1"});
  chat.local->add_socket("c1", {"a"});
  root.adapter->room_created("room1", false);
  wait_sharded(2, 1);
  for (const char* name : {"broadcast_all", "broadcast_room_binary", "broadcast_rooms_flags", "sockets_join"}) {
    const auto f = switchboard::test::npm_fixture_named(SWITCHBOARD_SHARDED_FIXTURES, name);
    command({"SPUBLISH", f.channel, f.bytes});
  }
  ASSERT_TRUE(eventually([&] { return root.local->broadcasts().size() == 2 && chat.local->broadcasts().size() == 1; }));
  EXPECT_EQ(root.local->broadcasts()[0].messages[0].bytes,
            R"(42["hello","world",1,-2,1.5,true,null,{"a":[1,2],"b":"x"}])");
  const auto binary = root.local->broadcasts()[1];
  ASSERT_EQ(binary.messages.size(), 3u);
  EXPECT_EQ(binary.messages[0].bytes,
            R"(452-["file",{"_placeholder":true,"num":0},{"nested":{"_placeholder":true,"num":1}}])");
  EXPECT_TRUE(chat.local->broadcasts()[0].target.flags.is_volatile);
  ASSERT_TRUE(eventually([&] { return root.local->rooms_of("s1")->contains("r2"); }));
  EXPECT_EQ(root.cluster->stats().invalid_messages, 0u);
}

}  // namespace
