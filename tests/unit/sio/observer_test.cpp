// server::observe: what an operator's dashboard hears, in the order the reference reports it,
// and only what happened (each room once, every broadcast recipient, nothing after the end).
#include <gtest/gtest.h>

#include <mutex>

#include "fake_session.hpp"
#include "switchboard/sio/server.hpp"

namespace switchboard::sio {
namespace {

using testing::fake_session;
using testing::run_until;

// Records each call as one line.
class recorder final : public observer {
 public:
  bool broadcasts = true;  // wants_broadcast_events()
  bool wants_broadcast_events() const override { return broadcasts; }
  void socket_connected(socket& s) override { add("connected " + s.nsp() + " rooms=" + std::to_string(s.rooms().size())); }
  void socket_disconnected(socket& s, std::string_view reason) override {
    add("disconnected " + s.nsp() + " " + std::string(reason));
  }
  void transport_upgraded(socket& s) override { add("upgraded " + s.nsp()); }
  void room_joined(socket& s, const std::string& room) override { add("joined " + (room == s.id() ? "<own>" : room)); }
  void room_left(socket& s, const std::string& room) override { add("left " + (room == s.id() ? "<own>" : room)); }
  void event_received(socket&, std::string_view event, const arguments& args) override {
    add("received " + std::string(event) + " " + std::to_string(args.values.size()) + " args " +
        std::to_string(args.binaries.size()) + " binaries");
  }
  void event_sent(socket&, const wire::sio::packet& p) override {
    add("sent " + std::string(p.data->as_array().at(0).as_string()) + " " + std::to_string(p.attachments.size()) + " binaries");
  }

  std::vector<std::string> lines() {
    std::lock_guard lock(mutex_);
    return lines_;
  }
  std::size_t count(const std::string& line) {
    const auto all = lines();
    return static_cast<std::size_t>(std::count(all.begin(), all.end(), line));
  }

 private:
  void add(std::string line) {
    std::lock_guard lock(mutex_);
    lines_.push_back(std::move(line));
  }
  std::mutex mutex_;
  std::vector<std::string> lines_;
};

class sio_observer : public ::testing::Test {
 protected:
  void SetUp() override {
    pool = std::make_unique<http::shard_pool>(2);
    srv = std::make_shared<server>(*pool, options{});
    srv->observe(watcher);
  }
  void TearDown() override {
    for (auto& s : sessions) s->close("test over");
    testing::drain(*pool);
    sessions.clear();
    srv.reset();
    pool.reset();
  }
  std::shared_ptr<fake_session> open(std::string connect, std::size_t shard) {
    auto s = std::make_shared<fake_session>("s" + std::to_string(sessions.size()), shard, pool->shard(shard), *srv);
    sessions.push_back(s);
    boost::asio::post(pool->shard(shard), [this, s, connect] {
      srv->on_open(s);
      srv->on_message(s, false, connect);
    });
    return s;
  }
  void message(const std::shared_ptr<fake_session>& s, std::string text, bool binary = false) {
    boost::asio::post(pool->shard(s->shard()), [this, s, text = std::move(text), binary] { srv->on_message(s, binary, text); });
  }
  bool wait(const std::function<bool()>& done) { return run_until(*pool, done); }

  std::shared_ptr<recorder> watcher = std::make_shared<recorder>();
  std::unique_ptr<http::shard_pool> pool;
  std::shared_ptr<server> srv;
  std::vector<std::shared_ptr<fake_session>> sessions;
};

TEST_F(sio_observer, ASocketsLifeIsReportedInTheReferencesOrder) {
  srv->of("/chat").use([](socket& s, next_fn next) {
    s.join("from-middleware");
    next(std::nullopt);
  });
  srv->of("/chat").on_connection([](socket& s) {
    s.join("lobby");
    s.join("lobby");  // already in it: nothing new to report
    s.on("bye", [](socket& me, arguments&, ack_sender) { me.disconnect(); });
  });
  auto c = open("0/chat,", 0);
  ASSERT_TRUE(wait([&] { return watcher->count("joined lobby") == 1; }));
  message(c, "2/chat,[\"bye\"]");
  ASSERT_TRUE(wait([&] { return watcher->count("left lobby") == 1; }));
  const std::vector<std::string> expected{
      "joined <own>", "joined from-middleware", "connected /chat rooms=2", "joined lobby",
      "received bye 0 args 0 binaries", "disconnected /chat server namespace disconnect",
      "left <own>", "left from-middleware", "left lobby"};
  auto lines = watcher->lines();
  // The two rooms of admission come in the set's order; sort them for the comparison.
  std::sort(lines.begin(), lines.begin() + 2);
  auto sorted_expected = expected;
  std::sort(sorted_expected.begin(), sorted_expected.begin() + 2);
  std::sort(lines.begin() + 6, lines.end());
  std::sort(sorted_expected.begin() + 6, sorted_expected.end());
  EXPECT_EQ(lines, sorted_expected);
}

TEST_F(sio_observer, EveryRecipientOfABroadcastAndEveryDirectEmitIsReported) {
  std::atomic<int> connected{0};
  srv->of("/").on_connection([&](socket& s) {
    s.join("room");
    ++connected;
  });
  constexpr int n = 6;
  for (int i = 0; i < n; ++i) open("0", i % 2);  // both shards
  ASSERT_TRUE(wait([&] { return connected == n; }));
  arguments args;
  args.values.emplace_back(args.add_binary("\x01\x02"));
  ASSERT_FALSE(srv->of("/").to("room").emit("news", args));
  ASSERT_TRUE(wait([&] { return watcher->count("sent news 1 binaries") == n; }));
  EXPECT_EQ(watcher->count("sent news 1 binaries"), static_cast<std::size_t>(n));
}

TEST_F(sio_observer, AnObserverThatWantsNoBroadcastEventsGetsOnlyDirectEmits) {
  watcher->broadcasts = false;
  std::shared_ptr<socket> only;
  srv->of("/").on_connection([&](socket& s) { only = s.shared_from_this(); });
  open("0", 0);
  ASSERT_TRUE(wait([&] { return only != nullptr; }));
  std::optional<std::size_t> delivered;
  ASSERT_FALSE(srv->of("/").all().emit("news", {}, [&](std::size_t n) { delivered = n; }));
  ASSERT_TRUE(wait([&] { return delivered.has_value(); }));
  EXPECT_EQ(*delivered, 1u);
  boost::asio::post(pool->shard(0), [&] { only->emit("direct", {}); });
  ASSERT_TRUE(wait([&] { return watcher->count("sent direct 0 binaries") == 1; }));
  EXPECT_EQ(watcher->count("sent news 0 binaries"), 0u);
}

TEST_F(sio_observer, AnUpgradeIsReportedForEachSocketOfTheConnection) {
  std::atomic<int> connected{0};
  srv->of("/").on_connection([&](socket&) { ++connected; });
  srv->of("/chat").on_connection([&](socket&) { ++connected; });
  auto c = open("0", 0);
  message(c, "0/chat,");
  ASSERT_TRUE(wait([&] { return connected == 2; }));
  boost::asio::post(pool->shard(0), [this, c] { srv->on_upgrade(c); });
  ASSERT_TRUE(wait([&] { return watcher->count("upgraded /") == 1 && watcher->count("upgraded /chat") == 1; }));
}

TEST_F(sio_observer, ASecondObserverHearsEveryReportBesideTheFirst) {
  auto second = std::make_shared<recorder>();
  second->broadcasts = false;
  watcher->broadcasts = false;
  srv->observe(second);
  std::shared_ptr<socket> only;
  srv->of("/").on_connection([&](socket& s) { only = s.shared_from_this(); });
  auto c = open("0", 0);
  ASSERT_TRUE(wait([&] { return only != nullptr; }));
  message(c, R"(2["hello",1])");
  boost::asio::post(pool->shard(0), [&] { only->emit("direct", {}); });
  ASSERT_TRUE(wait([&] { return second->count("sent direct 0 binaries") == 1; })) << ::testing::PrintToString(second->lines());
  std::optional<std::size_t> delivered;
  ASSERT_FALSE(srv->of("/").all().emit("news", {}, [&](std::size_t n) { delivered = n; }));
  ASSERT_TRUE(wait([&] { return delivered.has_value(); }));
  message(c, "1");
  ASSERT_TRUE(wait([&] { return watcher->count("left <own>") == 1 && second->count("left <own>") == 1; }));
  EXPECT_EQ(second->count("disconnected / client namespace disconnect"), 1u);
  EXPECT_EQ(watcher->lines(), second->lines()) << "both heard the same reports, in the same order";
  EXPECT_EQ(second->count("received hello 1 args 0 binaries"), 1u);
  EXPECT_EQ(second->count("sent news 0 binaries"), 0u) << "neither wants broadcast recipients";
}

}  // namespace
}  // namespace switchboard::sio
