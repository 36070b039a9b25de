// The Redis adapter: two nodes (two redis_cluster objects) in one process over a real
// redis-server, each wrapping a fake local adapter that keeps sockets in memory and records what
// it was asked. Also bytes published by the real @socket.io/redis-emitter (fixtures/cluster).
#include "switchboard/cluster/redis_adapter.hpp"

#include <gtest/gtest.h>

#include "npm_fixtures.hpp"
#include "redis_adapter_fixture.hpp"

namespace asio = boost::asio;
namespace json = boost::json;
namespace cluster = switchboard::cluster;
namespace sio = switchboard::sio;
namespace wire = switchboard::wire;
using switchboard::test::eventually;
using switchboard::test::event;
using switchboard::test::frame_of;
using switchboard::test::RedisAdapter;
using namespace std::chrono_literals;

// make_factory() is what sio::options::adapter_factory takes.
static_assert(std::is_assignable_v<decltype(sio::options::adapter_factory)&, cluster::adapter_factory>);

namespace {

// The channel and bytes of a message the npm packages published.
std::pair<std::string, std::string> npm_message(std::string_view name) {
  const auto f = switchboard::test::npm_fixture_named(SWITCHBOARD_CLUSTER_FIXTURES, name);
  return {f.channel, f.bytes};
}

TEST_F(RedisAdapter, BroadcastReachesTheOtherNodeWithRoomsAndExcept) {
  auto a = make_node();
  auto b = make_node();
  a.local->add_socket("a1", {"r1"});
  b.local->add_socket("b1", {"r1"});
  wait_subscribed(2);

  const auto p = event({"hello", 1});
  std::promise<std::size_t> delivered;
  sio::broadcast_target target{{"r1", "r2"}, {"x"}, {}};
  a.adapter->broadcast(p, frame_of(p), target, [&](std::size_t n) { delivered.set_value(n); });

  ASSERT_TRUE(eventually([&] { return b.local->broadcasts().size() == 1; }));
  const auto got = b.local->broadcasts()[0];
  EXPECT_EQ(got.target.rooms, (std::set<std::string>{"r1", "r2"}));
  EXPECT_EQ(got.target.except, (std::set<std::string>{"x"}));
  ASSERT_TRUE(got.packet.data);
  EXPECT_EQ(json::serialize(*got.packet.data), "[\"hello\",1]");
  ASSERT_EQ(got.messages.size(), 1u);
  EXPECT_EQ(got.messages[0].bytes, "42[\"hello\",1]");
  EXPECT_EQ(delivered.get_future().get(), 1u);  // the local count

  // Own message dropped: A delivered once, locally.
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(a.local->broadcasts().size(), 1u);
  EXPECT_EQ(b.local->broadcasts().size(), 1u);
  EXPECT_GE(a.cluster->stats().published, 1u);
  EXPECT_TRUE(a.cluster->stats().connected);
}

TEST_F(RedisAdapter, PublishesOnTheRoomChannelForExactlyOneRoomAndNotWhenLocal) {
  auto a = make_node();
  // A pattern subscriber of our own sees which channel each broadcast used.
  std::mutex mutex;
  std::vector<std::string> channels;
  cluster::redis_connection watcher(io_.get_executor(), endpoint());
  watcher.on_message([&](std::string_view, std::string_view channel, std::string_view) {
    const std::lock_guard lock(mutex);
    channels.emplace_back(channel);
  });
  watcher.psubscribe({"socket.io#/#*"});
  watcher.start();
  wait_subscribed(1, 0, 1);

  const auto p = event({"e"});
  a.adapter->broadcast(p, frame_of(p), {{"only"}, {}, {}}, {});
  sio::broadcast_target local{{"only"}, {}, {}};
  local.flags.local = true;
  a.adapter->broadcast(p, frame_of(p), local, {});
  a.adapter->broadcast(p, frame_of(p), {{"r1", "r2"}, {}, {}}, {});
  ASSERT_TRUE(eventually([&] {
    const std::lock_guard lock(mutex);
    return channels.size() == 2;
  }));
  std::this_thread::sleep_for(100ms);
  const std::lock_guard lock(mutex);
  EXPECT_EQ(channels, (std::vector<std::string>{"socket.io#/#only#", "socket.io#/#"}));
  EXPECT_EQ(a.local->broadcasts().size(), 3u);
}

TEST_F(RedisAdapter, BinaryArgumentsReachClientsAsABinaryEvent) {
  auto a = make_node();
  auto b = make_node();
  wait_subscribed(2);
  json::array data{"file"};
  auto p = event({});
  sio::arguments args;
  data.push_back(args.add_binary(std::string("\x01\x02", 2)));
  p.data = json::value(data);
  p.attachments = args.binaries;
  a.adapter->broadcast(p, frame_of(p), {}, {});
  ASSERT_TRUE(eventually([&] { return b.local->broadcasts().size() == 1; }));
  const auto got = b.local->broadcasts()[0];
  ASSERT_EQ(got.messages.size(), 2u);
  EXPECT_EQ(got.messages[0].bytes, "451-[\"file\",{\"_placeholder\":true,\"num\":0}]");
  EXPECT_TRUE(got.messages[1].binary);
  EXPECT_EQ(got.messages[1].bytes, std::string("\x01\x02", 2));
}

TEST_F(RedisAdapter, RemoteJoinLeaveAndDisconnectApplyOnTheOtherNodeOnce) {
  auto a = make_node();
  auto b = make_node();
  a.local->add_socket("a1", {"r1"});
  b.local->add_socket("b1", {"r1"});
  b.local->add_socket("b2", {"r1", "x"});
  b.local->add_socket("b3");
  wait_subscribed(2);

  a.adapter->add_sockets({{"r1"}, {"x"}, {}}, "r2");
  ASSERT_TRUE(eventually([&] { return b.local->rooms_of("b1")->contains("r2"); }));
  EXPECT_TRUE(a.local->rooms_of("a1")->contains("r2"));
  EXPECT_FALSE(b.local->rooms_of("b2")->contains("r2"));
  EXPECT_FALSE(b.local->rooms_of("b3")->contains("r2"));

  a.adapter->del_sockets({{"r2"}, {}, {}}, "r1");
  ASSERT_TRUE(eventually([&] { return !b.local->rooms_of("b1")->contains("r1"); }));
  EXPECT_FALSE(a.local->rooms_of("a1")->contains("r1"));

  a.adapter->disconnect_sockets({{"x"}, {}, {}}, true);
  ASSERT_TRUE(eventually([&] { return !b.local->rooms_of("b2"); }));
  EXPECT_TRUE(b.local->rooms_of("b1"));

  std::this_thread::sleep_for(100ms);  // our own echo is not applied a second time
  EXPECT_EQ(a.local->calls("join"), 1);
  EXPECT_EQ(a.local->calls("leave"), 1);
  EXPECT_EQ(a.local->calls("disconnect"), 1);
}

TEST_F(RedisAdapter, FetchSocketsGathersBothNodes) {
  auto a = make_node();
  auto b = make_node();
  a.local->add_socket("a1", {"room"});
  a.local->add_socket("a2");
  b.local->add_socket("b1", {"room"});
  wait_subscribed(2);

  std::promise<std::vector<sio::socket_info>> result;
  a.adapter->fetch_sockets({{"room"}, {}, {}}, [&](std::vector<sio::socket_info> s) { result.set_value(std::move(s)); });
  auto future = result.get_future();
  ASSERT_EQ(future.wait_for(30s), std::future_status::ready);
  std::set<std::string> ids;
  for (const auto& s : future.get()) {
    ids.insert(s.id);
    EXPECT_TRUE(s.rooms.contains("room"));
    EXPECT_EQ(json::serialize(s.data), R"({"node":"x"})");
  }
  EXPECT_EQ(ids, (std::set<std::string>{"a1", "b1"}));

  std::promise<std::pair<std::error_code, std::set<std::string>>> rooms;
  a.cluster->all_rooms("/", [&](std::error_code ec, std::set<std::string> r) { rooms.set_value({ec, std::move(r)}); });
  auto all = rooms.get_future();
  ASSERT_EQ(all.wait_for(30s), std::future_status::ready);
  const auto [ec, names] = all.get();
  EXPECT_FALSE(ec);
  EXPECT_EQ(names, (std::set<std::string>{"a1", "a2", "b1", "room"}));
}

TEST_F(RedisAdapter, ATimeoutYieldsPartialResults) {
  cluster::redis_adapter_options options;
  options.request_timeout = 300ms;
  auto a = make_node("/", options);
  auto b = make_node();
  a.local->add_socket("a1");
  b.local->add_socket("b1");
  // A third "node" that is counted (it subscribes to the request channel) but never answers.
  cluster::redis_connection silent(io_.get_executor(), endpoint());
  silent.subscribe({"socket.io-request#/#"});
  silent.start();
  wait_subscribed(2, 1);

  std::promise<std::vector<sio::socket_info>> result;
  const auto start = std::chrono::steady_clock::now();
  a.adapter->fetch_sockets({}, [&](std::vector<sio::socket_info> s) { result.set_value(std::move(s)); });
  auto future = result.get_future();
  ASSERT_EQ(future.wait_for(30s), std::future_status::ready);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 290ms);
  std::set<std::string> ids;
  for (const auto& s : future.get()) ids.insert(s.id);
  EXPECT_EQ(ids, (std::set<std::string>{"a1", "b1"}));
  EXPECT_EQ(a.cluster->stats().request_timeouts, 1u);
}

TEST_F(RedisAdapter, BroadcastWithAckGathersCountsAndAcks) {
  auto a = make_node();
  auto b = make_node();
  a.local->add_socket("a1", {}, json::value("from a"));
  b.local->add_socket("b1", {}, json::value("from b1"));
  b.local->add_socket("b2", {}, json::value(2));
  wait_subscribed(2);

  auto p = event({"question"});
  p.id = 7;
  sio::broadcast_target target;
  target.flags.timeout = 120s;  // far beyond the wait below: an answer there did not wait for it
  std::promise<std::pair<std::error_code, std::vector<sio::arguments>>> result;
  a.adapter->broadcast_with_ack(
      p, frame_of(p), 7, target,
      [&](std::error_code ec, std::vector<sio::arguments> answers) { result.set_value({ec, std::move(answers)}); }, {});
  auto future = result.get_future();
  ASSERT_EQ(future.wait_for(30s), std::future_status::ready);
  const auto [ec, answers] = future.get();
  EXPECT_FALSE(ec) << ec.message();
  std::multiset<std::string> values;
  for (const auto& x : answers) values.insert(json::serialize(x.values.at(0)));
  EXPECT_EQ(values, (std::multiset<std::string>{"\"from a\"", "\"from b1\"", "2"}));

  // B sent the clients its own ack id, not ours.
  const auto got = b.local->broadcasts();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_TRUE(got[0].with_ack);
  ASSERT_TRUE(got[0].packet.id);
  EXPECT_NE(*got[0].packet.id, 7u);
}

TEST_F(RedisAdapter, BroadcastWithAckTimesOutWithWhatCame) {
  auto a = make_node();
  auto b = make_node();
  b.local->add_socket("b1", {}, json::value("yes"));
  b.local->add_socket("b2", {}, std::nullopt);  // never answers
  wait_subscribed(2);

  const auto p = event({"question"});
  sio::broadcast_target target;
  target.flags.timeout = 500ms;
  std::promise<std::pair<std::error_code, std::vector<sio::arguments>>> result;
  a.adapter->broadcast_with_ack(
      p, frame_of(p), 1, target,
      [&](std::error_code ec, std::vector<sio::arguments> answers) { result.set_value({ec, std::move(answers)}); }, {});
  auto future = result.get_future();
  ASSERT_EQ(future.wait_for(30s), std::future_status::ready);
  const auto [ec, answers] = future.get();
  EXPECT_EQ(ec, sio::errc::ack_timeout);
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(json::serialize(answers[0].values.at(0)), "\"yes\"");
}

TEST_F(RedisAdapter, ServerSideEmitWithAndWithoutAnswers) {
  auto a = make_node();
  auto b = make_node();
  switchboard::test::server_side_emits emits;
  emits.answer_on(*b.cluster);
  wait_subscribed(2);

  EXPECT_FALSE(a.cluster->server_side_emit("/", json::array{"hello", 1}));
  EXPECT_EQ(a.cluster->server_side_emit("/nope", json::array{"x"}), cluster::cluster_errc::unknown_namespace);
  std::promise<std::pair<std::error_code, std::vector<json::value>>> result;
  a.cluster->server_side_emit("/", json::array{"ping"}, [&](std::error_code ec, std::vector<json::value> answers) {
    result.set_value({ec, std::move(answers)});
  });
  auto future = result.get_future();
  ASSERT_EQ(future.wait_for(30s), std::future_status::ready);
  const auto [ec, answers] = future.get();
  EXPECT_FALSE(ec);
  EXPECT_EQ(answers, (std::vector<json::value>{json::value("pong")}));
  EXPECT_EQ(emits.list(), (std::vector<std::string>{"/[\"hello\",1]", "/[\"ping\"]"}));
}

TEST_F(RedisAdapter, RedisDownDeliversLocallyAndCountsThenRecovers) {
  cluster::redis_adapter_options options;
  options.request_timeout = 120s;  // far beyond the waits below: an answer there did not wait for it
  auto a = make_node("/", options);
  auto b = make_node();
  a.local->add_socket("a1");
  wait_subscribed(2);

  redis_.stop();
  ASSERT_TRUE(eventually([&] { return !a.cluster->stats().connected; }));
  const auto p = event({"while down"});
  std::promise<std::size_t> delivered;
  a.adapter->broadcast(p, frame_of(p), {}, [&](std::size_t n) { delivered.set_value(n); });
  auto local = delivered.get_future();
  ASSERT_EQ(local.wait_for(30s), std::future_status::ready);  // while Redis is still down
  EXPECT_EQ(local.get(), 1u);
  ASSERT_TRUE(eventually([&] { return a.cluster->stats().publish_failures >= 1; }));
  EXPECT_GE(a.cluster->stats().redis_errors, 1u);

  // fetch_sockets answers with the local sockets at once.
  std::promise<std::size_t> fetched;
  a.adapter->fetch_sockets({}, [&](std::vector<sio::socket_info> s) { fetched.set_value(s.size()); });
  auto f = fetched.get_future();
  ASSERT_EQ(f.wait_for(30s), std::future_status::ready);
  EXPECT_EQ(f.get(), 1u);

  redis_.start();
  ASSERT_TRUE(eventually([&] { return a.cluster->stats().connected && b.cluster->stats().connected; }, 10s));
  ASSERT_TRUE(eventually([&] { return probe_->stats().connected; }, 10s));
  wait_subscribed(2);
  const auto q = event({"after"});
  a.adapter->broadcast(q, frame_of(q), {}, {});
  ASSERT_TRUE(eventually([&] { return b.local->broadcasts().size() == 1; }));
  EXPECT_EQ(b.local->broadcasts()[0].messages[0].bytes, "42[\"after\"]");
  EXPECT_GE(a.cluster->stats().reconnects, 1u);
}

TEST_F(RedisAdapter, ReceivesWhatTheRealEmitterPublished) {
  auto root = make_node("/");
  auto chat = make_node("/chat");
  root.local->add_socket("s1", {"a"});
  chat.local->add_socket("c1", {"room1"});
  wait_subscribed(2);

  for (const char* name : {"emitter_broadcast_all", "emitter_broadcast_room_binary", "emitter_sockets_join"}) {
    const auto [channel, bytes] = npm_message(name);
    command({"PUBLISH", channel, bytes});
  }
  ASSERT_TRUE(eventually([&] { return root.local->broadcasts().size() == 1 && chat.local->broadcasts().size() == 1; }));
  EXPECT_EQ(root.local->broadcasts()[0].messages[0].bytes, "42[\"hello\",1,\"two\"]");
  const auto binary = chat.local->broadcasts()[0];
  EXPECT_EQ(binary.target.rooms, (std::set<std::string>{"room1"}));
  EXPECT_EQ(binary.target.except, (std::set<std::string>{"x"}));
  EXPECT_TRUE(binary.target.flags.is_volatile);
  ASSERT_EQ(binary.messages.size(), 2u);
  EXPECT_EQ(binary.messages[0].bytes, "451-/chat,[\"file\",{\"_placeholder\":true,\"num\":0}]");
  EXPECT_EQ(binary.messages[1].bytes, std::string("\x00\xff", 2));
  ASSERT_TRUE(eventually([&] { return root.local->rooms_of("s1")->contains("r"); }));
}

}  // namespace
