// The Asio-driven Redis connection against a real redis-server started by the test.
#include "switchboard/cluster/redis_connection.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/steady_timer.hpp>
#include <atomic>
#include <future>
#include <optional>
#include <thread>

#include "../../support/redis_server.hpp"

namespace asio = boost::asio;
namespace cluster = switchboard::cluster;
using namespace std::chrono_literals;
using cluster::redis_reply;

namespace {

struct received {
  std::string pattern;
  std::string channel;
  std::string payload;
};

// A connection whose state, replies and messages the test reads.
struct probe {
  probe(asio::io_context& io, cluster::redis_endpoint endpoint, cluster::redis_options options = {})
      : connection(io.get_executor(), std::move(endpoint), options) {
    connection.on_state([this](bool up, std::string_view reason) {
      connected = up;
      last_reason = reason;
      ++state_changes;
    });
    connection.on_message([this](std::string_view p, std::string_view c, std::string_view m) {
      messages.push_back({std::string(p), std::string(c), std::string(m)});
    });
  }

  cluster::redis_connection connection;
  bool connected = false;
  std::string last_reason;
  int state_changes = 0;
  std::vector<received> messages;
};

// What a reply handler was given, once it ran.
struct outcome {
  std::optional<std::error_code> ec;
  redis_reply reply;
  bool done() const { return ec.has_value(); }
  cluster::reply_handler handler() {
    return [this](std::error_code e, redis_reply r) {
      ec = e;
      reply = std::move(r);
    };
  }
};

int unused_port() {
  asio::io_context io;
  asio::ip::tcp::acceptor acceptor(io, {asio::ip::address_v4::loopback(), 0});
  return acceptor.local_endpoint().port();
}

class RedisConnection : public ::testing::Test {
 protected:
  cluster::redis_endpoint endpoint(int port) const {
    return {.host = "127.0.0.1", .port = static_cast<std::uint16_t>(port)};
  }
  cluster::redis_endpoint endpoint() const { return endpoint(redis_.port()); }

  // Runs the loop until the predicate holds; false when the deadline passes first.
  template <class Predicate>
  bool run_until(Predicate predicate, std::chrono::milliseconds limit = 30s) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!predicate()) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      io_.restart();  // run_one_for stops the context when it runs out of work
      io_.run_one_for(10ms);
    }
    return true;
  }

  void start(probe& p) {
    p.connection.start();
    ASSERT_TRUE(run_until([&] { return p.connected; })) << p.last_reason;
  }

  redis_reply run_command(probe& p, std::vector<std::string> argv) {
    outcome o;
    p.connection.command(std::move(argv), o.handler());
    EXPECT_TRUE(run_until([&] { return o.done(); }));
    EXPECT_FALSE(*o.ec) << o.ec->message();
    return o.reply;
  }

  // SUBSCRIBE is asynchronous: wait until Redis counts the subscriber before publishing.
  void wait_subscribed(probe& publisher, const std::string& channel, long long patterns) {
    ASSERT_TRUE(run_until([&] {
      const auto subs = run_command(publisher, {"PUBSUB", "NUMSUB", channel});
      const auto pats = run_command(publisher, {"PUBSUB", "NUMPAT"});
      return subs.elements.size() == 2 && subs.elements[1].integer == 1 && pats.integer == patterns;
    }));
  }

  asio::io_context io_;
  test_support::redis_server redis_;
};

TEST_F(RedisConnection, RoundTripsBinarySafeValuesAndEveryReplyKind) {
  probe p(io_, endpoint());
  start(p);
  const std::string value("a\0b\r\n\xff", 6);

  const auto set = run_command(p, {"SET", "key", value});
  EXPECT_EQ(set.type, redis_reply::kind::status);
  EXPECT_EQ(set.str, "OK");
  const auto get = run_command(p, {"GET", "key"});
  EXPECT_EQ(get.type, redis_reply::kind::string);
  EXPECT_EQ(get.str, value);
  EXPECT_EQ(run_command(p, {"GET", "absent"}).type, redis_reply::kind::nil);
  EXPECT_EQ(run_command(p, {"INCRBY", "n", "41"}).integer, 41);

  run_command(p, {"RPUSH", "list", "x", "y"});
  const auto list = run_command(p, {"LRANGE", "list", "0", "-1"});
  ASSERT_EQ(list.type, redis_reply::kind::array);
  ASSERT_EQ(list.elements.size(), 2u);
  EXPECT_EQ(list.elements[1].str, "y");

  const auto error = run_command(p, {"NOSUCHCOMMAND"});
  EXPECT_TRUE(error.is_error());
  EXPECT_NE(error.str.find("unknown command"), std::string::npos);
  EXPECT_EQ(p.connection.stats().errors, 1u);  // the error reply
}

TEST_F(RedisConnection, PipelinesCommandsAndAnswersInOrder) {
  probe p(io_, endpoint());
  start(p);
  constexpr int count = 2000;
  std::vector<long long> answers;
  for (int i = 0; i < count; ++i) {
    p.connection.command({"INCR", "counter"}, [&](std::error_code ec, redis_reply r) {
      EXPECT_FALSE(ec);
      answers.push_back(r.integer);
    });
  }
  ASSERT_TRUE(run_until([&] { return answers.size() == count; }));
  for (int i = 0; i < count; ++i) ASSERT_EQ(answers[i], i + 1);
}

TEST_F(RedisConnection, DeliversChannelAndPatternMessages) {
  probe publisher(io_, endpoint());
  probe subscriber(io_, endpoint());
  subscriber.connection.subscribe({"room"});  // before start: issued once connected
  start(publisher);
  start(subscriber);
  subscriber.connection.psubscribe({"news:*"});  // after start: issued at once
  wait_subscribed(publisher, "room", 1);

  const std::string payload("\x93\x00\x01", 3);
  EXPECT_EQ(run_command(publisher, {"PUBLISH", "room", payload}).integer, 1);
  publisher.connection.publish("news:today", "headline");
  ASSERT_TRUE(run_until([&] { return subscriber.messages.size() == 2; }));
  EXPECT_EQ(subscriber.messages[0].pattern, "");
  EXPECT_EQ(subscriber.messages[0].channel, "room");
  EXPECT_EQ(subscriber.messages[0].payload, payload);
  EXPECT_EQ(subscriber.messages[1].pattern, "news:*");
  EXPECT_EQ(subscriber.messages[1].channel, "news:today");
  EXPECT_EQ(subscriber.messages[1].payload, "headline");
}

// SSUBSCRIBE is asynchronous too: wait until Redis counts `subscribers` on the shard channel.
TEST_F(RedisConnection, DeliversShardChannelMessagesUntilUnsubscribed) {
  probe publisher(io_, endpoint());
  probe subscriber(io_, endpoint());
  subscriber.connection.ssubscribe({"socket.io#/#"});  // before start: issued once connected
  start(publisher);
  start(subscriber);
  subscriber.connection.ssubscribe({"socket.io#/#user:42#", "socket.io#/#"});  // one new, one known
  subscriber.connection.subscribe({"classic"});  // both families on one connection
  ASSERT_TRUE(run_until([&] {
    const auto n = run_command(publisher, {"PUBSUB", "SHARDNUMSUB", "socket.io#/#", "socket.io#/#user:42#"});
    return n.elements.size() == 4 && n.elements[1].integer == 1 && n.elements[3].integer == 1;
  }));

  const std::string payload("\x83\x00{", 3);
  EXPECT_EQ(run_command(publisher, {"SPUBLISH", "socket.io#/#user:42#", payload}).integer, 1);
  publisher.connection.spublish("socket.io#/#", "main");
  ASSERT_TRUE(run_until([&] { return subscriber.messages.size() == 2; }));
  EXPECT_EQ(subscriber.messages[0].pattern, "");
  EXPECT_EQ(subscriber.messages[0].channel, "socket.io#/#user:42#");
  EXPECT_EQ(subscriber.messages[0].payload, payload);
  EXPECT_EQ(subscriber.messages[1].payload, "main");

  subscriber.connection.sunsubscribe({"socket.io#/#user:42#", "never-subscribed"});
  ASSERT_TRUE(run_until([&] {
    const auto n = run_command(publisher, {"PUBSUB", "SHARDNUMSUB", "socket.io#/#user:42#"});
    return n.elements.size() == 2 && n.elements[1].integer == 0;
  }));
  EXPECT_EQ(run_command(publisher, {"SPUBLISH", "socket.io#/#user:42#", "gone"}).integer, 0);
  EXPECT_EQ(run_command(publisher, {"PUBLISH", "classic", "still"}).integer, 1);
  ASSERT_TRUE(run_until([&] { return subscriber.messages.size() == 3; }));
  EXPECT_EQ(subscriber.messages[2].payload, "still");
}

TEST_F(RedisConnection, ResolvesAHostName) {
  auto named = endpoint();
  named.host = "localhost";  // Redis listens on 127.0.0.1 only; localhost may resolve to ::1 first
  probe p(io_, named);
  start(p);
  EXPECT_EQ(run_command(p, {"PING"}).str, "PONG");
}

TEST_F(RedisConnection, AuthenticatesAndSelectsTheDatabase) {
  probe admin(io_, endpoint());
  start(admin);
  run_command(admin, {"SELECT", "2"});
  run_command(admin, {"SET", "where", "db2"});
  run_command(admin, {"CONFIG", "SET", "requirepass", "s3cret"});

  auto good = endpoint();
  good.username = "default";
  good.password = "s3cret";
  good.db = 2;
  probe allowed(io_, good);
  start(allowed);
  EXPECT_EQ(run_command(allowed, {"GET", "where"}).str, "db2");

  auto bad = endpoint();
  bad.password = "wrong";
  probe refused(io_, bad);
  refused.connection.start();
  ASSERT_TRUE(run_until([&] { return refused.connection.stats().errors >= 2; }));  // and it keeps trying
  EXPECT_FALSE(refused.connected);
  EXPECT_TRUE(refused.last_reason.starts_with("handshake: WRONGPASS")) << refused.last_reason;
}

TEST_F(RedisConnection, AcceptsCommandsFromAnyThread) {
  probe p(io_, endpoint());
  start(p);
  auto guard = asio::make_work_guard(io_);
  io_.restart();
  std::thread loop([this] { io_.run(); });
  std::atomic<int> answered{0};
  std::promise<void> all_done;
  constexpr int per_thread = 200;
  auto client = [&] {
    for (int i = 0; i < per_thread; ++i) {
      p.connection.command({"INCR", "shared"}, [&](std::error_code ec, redis_reply) {
        EXPECT_FALSE(ec);
        if (++answered == 2 * per_thread) all_done.set_value();
      });
    }
  };
  std::thread a(client), b(client);
  a.join();
  b.join();
  const auto status = all_done.get_future().wait_for(5s);
  guard.reset();
  p.connection.close();
  io_.stop();
  loop.join();
  ASSERT_EQ(status, std::future_status::ready);
  EXPECT_EQ(answered.load(), 2 * per_thread);
}

TEST_F(RedisConnection, FailsCommandsPromptlyWhileRedisIsDown) {
  probe p(io_, endpoint());
  start(p);
  outcome in_flight;
  p.connection.command({"BLPOP", "never", "10"}, in_flight.handler());
  run_until([] { return false; }, 50ms);  // let it reach Redis

  redis_.stop();
  ASSERT_TRUE(run_until([&] { return !p.connected; }));
  ASSERT_TRUE(in_flight.done());
  EXPECT_EQ(*in_flight.ec, cluster::redis_errc::disconnected);
  EXPECT_FALSE(p.last_reason.empty());

  outcome refused;
  p.connection.command({"PING"}, refused.handler());
  ASSERT_TRUE(run_until([&] { return refused.done(); }));  // Redis stays down: refused, not queued
  EXPECT_EQ(*refused.ec, cluster::redis_errc::disconnected);

  const auto stats = p.connection.stats();
  EXPECT_FALSE(stats.connected);
  EXPECT_GE(stats.errors, 1u);
  EXPECT_EQ(stats.rejected, 1u);
}

TEST_F(RedisConnection, ReconnectsAndResubscribesAfterRedisRestarts) {
  probe publisher(io_, endpoint());
  probe subscriber(io_, endpoint());
  start(publisher);
  start(subscriber);
  subscriber.connection.subscribe({"room"});
  subscriber.connection.psubscribe({"news:*"});
  wait_subscribed(publisher, "room", 1);

  subscriber.connection.ssubscribe({"shard"});
  ASSERT_TRUE(run_until([&] { return run_command(publisher, {"PUBSUB", "SHARDNUMSUB", "shard"}).elements[1].integer == 1; }));

  redis_.stop();
  ASSERT_TRUE(run_until([&] { return !publisher.connected && !subscriber.connected; }));
  run_until([] { return false; }, 300ms);  // a few failed attempts
  redis_.start();
  ASSERT_TRUE(run_until([&] { return publisher.connected && subscriber.connected; }, 10s));
  EXPECT_EQ(subscriber.connection.stats().reconnects, 1u);
  EXPECT_EQ(subscriber.state_changes, 3);  // up, down, up: one report per outage

  wait_subscribed(publisher, "room", 1);
  ASSERT_TRUE(run_until([&] { return run_command(publisher, {"PUBSUB", "SHARDNUMSUB", "shard"}).elements[1].integer == 1; }));
  publisher.connection.publish("room", "again");
  publisher.connection.publish("news:x", "too");
  publisher.connection.spublish("shard", "three");
  ASSERT_TRUE(run_until([&] { return subscriber.messages.size() == 3; }));
  EXPECT_EQ(subscriber.messages[0].payload, "again");
  EXPECT_EQ(subscriber.messages[1].channel, "news:x");
  EXPECT_EQ(subscriber.messages[2].channel, "shard");
}

TEST_F(RedisConnection, RetriesWithBackoffWithoutBlockingTheLoop) {
  probe p(io_, endpoint(unused_port()));
  int ticks = 0;
  asio::steady_timer timer(io_);
  std::function<void()> tick = [&] {
    timer.expires_after(10ms);
    timer.async_wait([&](boost::system::error_code ec) {
      if (ec) return;
      ++ticks;
      tick();
    });
  };
  tick();
  p.connection.start();
  outcome refused;
  p.connection.command({"PING"}, refused.handler());

  run_until([] { return false; }, 1s);
  timer.cancel();
  EXPECT_GE(ticks, 20);  // the loop kept turning (100 when idle; margin for a loaded machine)
  ASSERT_TRUE(refused.done());
  EXPECT_EQ(*refused.ec, cluster::redis_errc::disconnected);
  const auto errors = p.connection.stats().errors;
  EXPECT_GE(errors, 3u);   // first try, then at ~50-100, ~100-200, ~200-400 ms
  EXPECT_LE(errors, 8u);   // backing off, not hammering
  EXPECT_EQ(p.state_changes, 1);  // one report for the outage, not one per attempt
  EXPECT_FALSE(p.last_reason.empty());
}

TEST_F(RedisConnection, GivesUpOnAServerThatNeverAnswers) {
  asio::ip::tcp::acceptor silent(io_, {asio::ip::address_v4::loopback(), 0});  // listens, never accepts
  probe p(io_, endpoint(silent.local_endpoint().port()), {.connect_timeout = 100ms});
  p.connection.start();
  ASSERT_TRUE(run_until([&] { return p.connection.stats().errors >= 2; }));
  EXPECT_EQ(p.last_reason, "connect timeout");
  EXPECT_FALSE(p.connected);
}

TEST_F(RedisConnection, RefusesEmptyCommandsAndCommandsBeyondThePendingLimit) {
  probe p(io_, endpoint(), {.max_pending = 2});
  start(p);
  outcome empty, first, second, third;
  p.connection.command({}, empty.handler());
  p.connection.command({"PING"}, first.handler());
  p.connection.command({"PING"}, second.handler());
  p.connection.command({"PING"}, third.handler());
  ASSERT_TRUE(run_until([&] { return empty.done() && first.done() && second.done() && third.done(); }));
  EXPECT_EQ(*empty.ec, std::errc::invalid_argument);
  EXPECT_FALSE(*first.ec);
  EXPECT_FALSE(*second.ec);
  EXPECT_EQ(*third.ec, cluster::redis_errc::too_many_pending);
  EXPECT_EQ(first.reply.str, "PONG");
  EXPECT_EQ(p.connection.stats().rejected, 2u);
}

TEST_F(RedisConnection, CloseFromAHandlerFailsWhatIsPending) {
  probe p(io_, endpoint());
  start(p);
  outcome blocked, after;
  p.connection.command({"PING"}, [&](std::error_code, redis_reply) { p.connection.close(); });
  p.connection.command({"BLPOP", "never", "10"}, blocked.handler());
  ASSERT_TRUE(run_until([&] { return blocked.done(); }));
  EXPECT_EQ(*blocked.ec, cluster::redis_errc::closed);

  p.connection.command({"PING"}, after.handler());
  ASSERT_TRUE(run_until([&] { return after.done(); }));
  EXPECT_EQ(*after.ec, cluster::redis_errc::closed);
  run_until([] { return false; }, 200ms);
  EXPECT_EQ(p.state_changes, 1);  // no "disconnected" report after close
}

TEST_F(RedisConnection, CanBeClosedFromTheStateHandler) {
  cluster::redis_connection connection(io_.get_executor(), endpoint());
  bool up = false;
  connection.on_state([&](bool connected, std::string_view) {
    up = connected;
    connection.close();
  });
  connection.start();
  ASSERT_TRUE(run_until([&] { return up; }));
  outcome after;
  connection.command({"PING"}, after.handler());
  ASSERT_TRUE(run_until([&] { return after.done(); }));
  EXPECT_EQ(*after.ec, cluster::redis_errc::closed);
}

// The io_context goes first with the connection up and a command pending: the handler is
// destroyed, not called, and nothing leaks (LeakSanitizer) or touches freed memory.
TEST_F(RedisConnection, SurvivesItsIoContextBeingDestroyed) {
  bool called = false;
  {
    asio::io_context io;
    cluster::redis_connection connection(io.get_executor(), endpoint());
    bool up = false;
    connection.on_state([&](bool connected, std::string_view) { up = connected; });
    connection.start();
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!up && std::chrono::steady_clock::now() < deadline) io.run_one_for(10ms);
    ASSERT_TRUE(up);
    connection.command({"BLPOP", "never", "10"}, [&](std::error_code, redis_reply) { called = true; });
    io.poll();
  }
  EXPECT_FALSE(called);
}

TEST(RedisUrl, ReadsEveryPart) {
  const auto e = cluster::parse_redis_url("redis://alice:s%40cret@cache.internal:6380/3");
  EXPECT_EQ(e.host, "cache.internal");
  EXPECT_EQ(e.port, 6380);
  EXPECT_EQ(e.username, "alice");
  EXPECT_EQ(e.password, "s@cret");
  EXPECT_EQ(e.db, 3);
  EXPECT_EQ(e.address(), "cache.internal:6380");
}

TEST(RedisUrl, DefaultsAndPasswordAlone) {
  const auto plain = cluster::parse_redis_url("redis://localhost");
  EXPECT_EQ(plain.host, "localhost");
  EXPECT_EQ(plain.port, 6379);
  EXPECT_EQ(plain.db, 0);
  EXPECT_TRUE(plain.password.empty());
  const auto password = cluster::parse_redis_url("redis://:pw@[::1]:7000/");
  EXPECT_EQ(password.host, "::1");
  EXPECT_TRUE(password.username.empty());
  EXPECT_EQ(password.password, "pw");
}

TEST(RedisUrl, RefusesWhatItCannotHonour) {
  for (const char* url : {"rediss://host", "http://host", "redis://host/x", "redis://host/-1", "redis://host:0",
                          "redis://host?db=1", "not a url"}) {
    EXPECT_THROW(cluster::parse_redis_url(url), std::invalid_argument) << url;
  }
  // The message says why, never the URL: it may hold a password, and it ends up in logs.
  for (const char* url : {"redis://:s3cret@host/x", "rediss://user:s3cret@host", "redis://u:s3cret@host?x=1"}) {
    try {
      cluster::parse_redis_url(url);
      ADD_FAILURE() << url;
    } catch (const std::invalid_argument& e) {
      EXPECT_EQ(std::string(e.what()).find("s3cret"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
