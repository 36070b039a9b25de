// sio::server driven through engine::handler with fake sessions: hostile clients and user code
// that misbehaves must never crash the server or leak what it holds.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "fake_session.hpp"
#include "socket_impl.hpp"
#include "switchboard/sio/server.hpp"

namespace switchboard::sio {
namespace {

using testing::fake_session;
using testing::run_until;

class sio_server : public ::testing::Test {
 protected:
  void make(options opts = {}, std::size_t shards = 1) {
    pool = std::make_unique<http::shard_pool>(shards);
    srv = std::make_shared<server>(*pool, std::move(opts));
    srv->of("/");
  }

  void TearDown() override {
    for (auto& s : sessions) s->close("test over");
    if (pool) testing::drain(*pool);
    sessions.clear();
    srv.reset();
    pool.reset();
  }

  // A new session, opened and connected to `nsp` (its CONNECT sent; not waited for).
  std::shared_ptr<fake_session> open(std::string_view connect = "0", std::size_t shard = 0) {
    auto s = std::make_shared<fake_session>("s" + std::to_string(sessions.size()), shard, pool->shard(shard), *srv);
    sessions.push_back(s);
    post(s, [this, s, connect = std::string(connect)] {
      srv->on_open(s);
      if (!connect.empty()) srv->on_message(s, false, connect);
    });
    return s;
  }

  // Runs `f` on the session's shard, as the engine would.
  void post(const std::shared_ptr<fake_session>& s, std::function<void()> f) {
    boost::asio::post(pool->shard(s->shard()), std::move(f));
  }
  void message(const std::shared_ptr<fake_session>& s, std::string text, bool binary = false) {
    post(s, [this, s, text = std::move(text), binary] {
      if (s->is_open()) srv->on_message(s, binary, text);
    });
  }
  bool wait(const std::function<bool()>& done) { return run_until(*pool, done); }

  std::unique_ptr<http::shard_pool> pool;
  std::shared_ptr<server> srv;
  std::vector<std::shared_ptr<fake_session>> sessions;
};

// ---- 1. Queue overflow in the middle of a broadcast.

class broadcast_overflow : public sio_server, public ::testing::WithParamInterface<engine::overflow_policy> {};

TEST_P(broadcast_overflow, closing_sessions_do_not_break_the_fanout) {
  make({}, 2);
  std::atomic<std::size_t> connected{0};
  srv->of("/").on_connection([&](socket& s) {
    s.join("room");
    // Closing sockets act on the index too: they leave rooms and touch others.
    s.on_disconnecting([](socket& me, std::string_view) { me.leave("room"); });
    ++connected;
  });
  constexpr std::size_t n = 300;
  for (std::size_t i = 0; i < n; ++i) open("0", i % 2);
  ASSERT_TRUE(wait([&] { return connected == n; }));
  // Every third session is full: its next send overflows.
  for (std::size_t i = 0; i < n; i += 3) sessions[i]->limit(1, GetParam());
  std::optional<std::size_t> delivered;
  ASSERT_FALSE(srv->of("/").to("room").emit("news", {}, [&](std::size_t count) { delivered = count; }));
  ASSERT_TRUE(wait([&] { return delivered.has_value(); }));
  EXPECT_EQ(*delivered, n - n / 3);
  for (std::size_t i = 0; i < n; ++i) {
    const bool full = i % 3 == 0;
    EXPECT_EQ(sessions[i]->count("2[\"news\""), full ? 0u : 1u) << i;
    EXPECT_EQ(sessions[i]->is_open(), !full || GetParam() == engine::overflow_policy::drop) << i;
  }
  // The index is still whole: the survivors get the next one.
  delivered.reset();
  srv->of("/").to("room").emit("again", {}, [&](std::size_t count) { delivered = count; });
  ASSERT_TRUE(wait([&] { return delivered.has_value(); }));
  EXPECT_EQ(*delivered, n - n / 3);
}

INSTANTIATE_TEST_SUITE_P(policies, broadcast_overflow,
                         ::testing::Values(engine::overflow_policy::close, engine::overflow_policy::drop));

// ---- 2. A handler that disconnects its own socket, in every callback.

TEST_F(sio_server, any_handler_that_disconnects_its_socket) {
  make();
  std::atomic<int> after{0};
  srv->of("/").on_connection([&](socket& s) {
    const std::string big(64, 'x');  // captured on the heap: freed if the handler were destroyed
    s.on_any([&, big](socket& me, const std::string&, arguments&) {
      me.disconnect();
      after += static_cast<int>(big.size());
    });
    s.on_any([&](socket&, const std::string&, arguments&) { after += 1000; });
    s.on("ev", [&](socket&, arguments&, ack_sender) { after += 1000; });
  });
  auto c = open();
  message(c, "2[\"ev\"]");
  ASSERT_TRUE(wait([&] { return after == 64; }));
  EXPECT_EQ(c->count("1"), 1u);  // DISCONNECT for "/"
  EXPECT_TRUE(c->is_open());
}

TEST_F(sio_server, event_connection_and_ack_handlers_that_disconnect) {
  make();
  std::atomic<int> done{0};
  srv->of("/").on_connection([&](socket& s) {
    s.on("bye", [&](socket& me, arguments&, ack_sender ack) {
      me.disconnect(true);
      ack();  // after the socket went: nothing
      ++done;
    });
    s.on("ask", [&](socket& me, arguments&, ack_sender) {
      me.emit_with_ack("q", {}, std::chrono::seconds(5), [&done, &me](std::error_code ec, arguments) {
        EXPECT_FALSE(ec);
        me.disconnect();
        ++done;
      });
    });
  });
  srv->of("/gone").on_connection([&](socket& s) {
    s.disconnect();
    ++done;
  });
  srv->of("/gone").use([](socket& s, next_fn next) {
    s.disconnect(true);  // not admitted yet: nothing to leave
    next(std::nullopt);
  });
  auto a = open();
  message(a, "2[\"bye\"]");
  auto b = open();
  message(b, "2[\"ask\"]");
  ASSERT_TRUE(wait([&] {
    for (const auto& p : b->packets()) {
      if (p.starts_with("2") && p.find("\"q\"") != std::string::npos) return true;
    }
    return false;
  }));
  std::string ask;
  for (const auto& p : b->packets()) {
    if (p.find("\"q\"") != std::string::npos) ask = p;
  }
  const std::string id = ask.substr(1, ask.find('[') - 1);
  message(b, "3" + id + "[]");
  auto c = open("0/gone,");
  ASSERT_TRUE(wait([&] { return done == 3; }));
  EXPECT_FALSE(a->is_open());
  EXPECT_EQ(a->count("42"), 0u);  // no ack after the disconnect
  EXPECT_EQ(b->count("1"), 1u);
  EXPECT_EQ(c->count("1/gone,"), 1u);
}

// namespace_::on: one handler for every socket of the namespace; a socket's own handler of the
// same event wins; another namespace's sockets do not get it; a throwing one closes its socket only.
TEST_F(sio_server, namespace_handlers_serve_every_socket_unless_it_has_its_own) {
  make();
  std::atomic<int> by_namespace{0};
  std::atomic<int> by_socket{0};
  srv->of("/").on("ev", [&](socket&, arguments& args, ack_sender ack) {
    ++by_namespace;
    ack(std::move(args));
  });
  srv->of("/").on("boom", [](socket&, arguments&, ack_sender) { throw std::runtime_error("a module's bug"); });
  srv->of("/").on_connection([&](socket& s) {
    if (!s.auth().contains("own")) return;
    s.on("ev", [&](socket&, arguments&, ack_sender ack) {
      ++by_socket;
      ack();
    });
    s.on("drop-own", [](socket& self, arguments&, ack_sender ack) {
      self.off("ev");
      ack();
    });
  });
  srv->of("/other");
  auto a = open();
  auto b = open();
  auto own = open("0{\"own\":true}");
  auto other = open("0/other,");
  ASSERT_TRUE(wait([&] { return a->count("0") + b->count("0") + own->count("0") + other->count("0/other,") == 4; }));
  message(a, "21[\"ev\",\"x\"]");
  message(b, "22[\"ev\",\"y\"]");
  message(own, "23[\"ev\",\"z\"]");
  message(other, "2/other,4[\"ev\"]");
  ASSERT_TRUE(wait([&] { return by_namespace == 2 && by_socket == 1; }));
  ASSERT_TRUE(wait([&] { return a->count("31[\"x\"]") == 1 && b->count("32[\"y\"]") == 1 && own->count("33[]") == 1; }));
  // off() removes the socket's own handler: the namespace's serves it from then on.
  message(own, "24[\"drop-own\"]");
  ASSERT_TRUE(wait([&] { return own->count("34[]") == 1; }));
  message(own, "25[\"ev\",\"w\"]");
  ASSERT_TRUE(wait([&] { return own->count("35[\"w\"]") == 1 && by_namespace == 3 && by_socket == 1; }));
  message(a, "2[\"boom\"]");
  ASSERT_TRUE(wait([&] { return a->count("1") == 1; }));
  // One shard runs the posts in order: /other's event was handled before the boom.
  EXPECT_EQ(other->count("3/other,4"), 0u) << "no handler in /other: no answer";
  EXPECT_TRUE(b->is_open());
  EXPECT_EQ(srv->handler_errors(), 1u);
}

// Node's socket.emitWithAck() without timeout(): the answer comes whenever it comes, and a
// disconnect ends the wait.
TEST_F(sio_server, an_ack_without_a_timeout_waits_for_the_answer_or_the_disconnect) {
  make();
  std::atomic<int> answered{0};
  std::atomic<int> disconnected{0};
  srv->of("/").on_connection([&](socket& s) {
    s.emit_with_ack("q", {}, [&](std::error_code ec, arguments answer) {
      if (!ec && answer.values.size() == 1 && answer.values[0] == 42) ++answered;
      if (ec == errc::disconnected) ++disconnected;
    });
  });
  auto answers = open();
  auto leaves = open();
  const auto asked = [](const std::shared_ptr<fake_session>& c) {
    for (const auto& p : c->packets()) {
      if (p.starts_with("2") && p.ends_with("[\"q\"]")) return p.substr(1, p.find('[') - 1);  // its ack id
    }
    return std::string();
  };
  ASSERT_TRUE(wait([&] { return !asked(answers).empty() && !asked(leaves).empty(); }));
  message(answers, "3" + asked(answers) + "[42]");
  message(leaves, "1");
  ASSERT_TRUE(wait([&] { return answered == 1 && disconnected == 1; }));
}

TEST_F(sio_server, timeout_acks_call_back_with_their_socket) {
  make();
  std::atomic<int> connections{0};
  std::atomic<int> answered{0};
  std::atomic<int> timed_out{0};
  srv->of("/").on_connection([&](socket& s) {
    const bool first = connections++ == 0;  // the first answers, the second never does
    s.data()["role"] = first ? "answers" : "silent";
    s.timeout(std::chrono::milliseconds(first ? 60000 : 50))
        .emit_with_ack("q", {}, [&](socket& me, std::error_code ec, arguments answer) {
          if (!ec && me.data()["role"] == "answers" && answer.values.size() == 1 && answer.values[0] == 42) ++answered;
          if (ec == errc::ack_timeout && me.data()["role"] == "silent") ++timed_out;
        });
  });
  auto answers = open();
  const auto asked = [&] {
    for (const auto& p : answers->packets()) {
      if (p.starts_with("2") && p.ends_with("[\"q\"]")) return p.substr(1, p.find('[') - 1);  // its ack id
    }
    return std::string();
  };
  ASSERT_TRUE(wait([&] { return !asked().empty(); }));
  auto silent = open();
  message(answers, "3" + asked() + "[42]");
  ASSERT_TRUE(wait([&] { return answered == 1 && timed_out == 1; }));
}

TEST_F(sio_server, broadcast_reaches_the_namespace_but_the_sender) {
  make();
  std::atomic<std::size_t> connected{0};
  srv->of("/").on_connection([&](socket& s) {
    s.on("shout", [](socket& me, arguments& args, ack_sender) { me.broadcast().emit("shouted", args); });
    ++connected;
  });
  auto sender = open();
  auto others = std::vector{open(), open()};
  ASSERT_TRUE(wait([&] { return connected == 3; }));
  message(sender, "2[\"shout\",1]");
  ASSERT_TRUE(wait([&] { return others[0]->count("2[\"shouted\",1]") == 1 && others[1]->count("2[\"shouted\",1]") == 1; }));
  // The sender's own packets, in order: its CONNECT answer only, before and after the others got it.
  message(sender, "2[\"shout\",2]");
  ASSERT_TRUE(wait([&] { return others[0]->count("2[\"shouted\",2]") == 1; }));
  EXPECT_EQ(sender->count("2[\"shouted\""), 0u);
}

TEST_F(sio_server, disconnect_handlers_that_close_again_and_add_handlers) {
  make();
  std::atomic<int> ran{0};
  srv->of("/").on_connection([&](socket& s) {
    s.on_disconnecting([&](socket& me, std::string_view) {
      me.disconnect(true);  // closing already: nothing more
      me.on_disconnecting([&](socket&, std::string_view) { ran += 100; });  // too late: never runs
      ++ran;
    });
    s.on_disconnect([&](socket& me, std::string_view) {
      me.disconnect(true);
      me.on_disconnect([&](socket&, std::string_view) { ran += 100; });  // too late: never runs
      ++ran;
    });
  });
  auto c = open();
  message(c, "1");
  ASSERT_TRUE(wait([&] { return ran >= 2; })) << ran;
  testing::drain(*pool);
  EXPECT_EQ(ran, 2);
  EXPECT_TRUE(c->is_open());
}

TEST_F(sio_server, middleware_that_throws_after_next_refuses_once) {
  make();
  std::atomic<int> connected{0};
  srv->of("/mw").use([](socket&, next_fn next) {
    next(std::nullopt);
    throw std::runtime_error("after next");
  });
  srv->of("/mw").on_connection([&](socket&) { ++connected; });
  auto c = open("0/mw,");
  ASSERT_TRUE(wait([&] { return c->count("4/mw,") == 1; }));
  testing::drain(*pool);
  EXPECT_EQ(connected, 0);
  EXPECT_EQ(c->count("0/mw,"), 0u);
}

// ---- 3. User code that throws.

TEST_F(sio_server, throwing_handlers_close_their_socket_only) {
  make();
  std::atomic<int> connected{0};
  srv->of("/").on_connection([&](socket& s) {
    ++connected;
    s.on("boom", [](socket&, arguments&, ack_sender) { throw std::runtime_error("event"); });
    s.on("weird", [](socket&, arguments&, ack_sender) { throw 42; });
    s.on("ask", [](socket& me, arguments&, ack_sender) {
      me.emit_with_ack("q", {}, std::chrono::milliseconds(1), [](std::error_code, arguments) {
        throw std::runtime_error("ack");
      });
    });
    s.on_disconnect([](socket&, std::string_view) { throw std::runtime_error("disconnect"); });
    s.on_disconnecting([](socket&, std::string_view) { throw std::runtime_error("disconnecting"); });
  });
  srv->of("/any").on_connection([](socket& s) {
    s.on_any([](socket&, const std::string&, arguments&) { throw std::runtime_error("any"); });
  });
  srv->of("/conn").on_connection([](socket&) { throw std::runtime_error("connection"); });
  srv->of("/mw").use([](socket&, next_fn) { throw std::logic_error("middleware"); });

  auto event = open();
  auto weird = open();
  auto ack = open();
  auto quiet = open();
  ASSERT_TRUE(wait([&] { return connected == 4; }));
  message(event, "2[\"boom\"]");
  message(weird, "2[\"weird\"]");
  message(ack, "2[\"ask\"]");
  auto any = open("0/any,");
  message(any, "2/any,[\"x\"]");
  auto conn = open("0/conn,");
  auto mw = open("0/mw,");
  ASSERT_TRUE(wait([&] {
    return event->count("1") == 1 && weird->count("1") == 1 && ack->count("1") == 1 && any->count("1/any,") == 1 &&
           conn->count("1/conn,") == 1 && mw->count("4/mw,") == 1;
  }));
  EXPECT_EQ(mw->packets().back(), "4/mw,{\"message\":\"Internal server error\"}");
  EXPECT_EQ(quiet->count("1"), 0u);  // the others stay
  quiet->close("transport close");  // disconnect and disconnecting handlers throw: logged only
  EXPECT_GE(srv->handler_errors(), 8u);
}

// Node's io.use(fn) is the main namespace's middleware; the server-wide one has a name that says so.
TEST_F(sio_server, use_is_the_main_namespaces_and_use_in_every_namespace_everyones) {
  make();
  std::atomic<int> main_only{0};
  std::atomic<int> everywhere{0};
  srv->use([&](socket&, next_fn next) {
    ++main_only;
    next(std::nullopt);
  });
  srv->use_in_every_namespace([&](socket&, next_fn next) {
    ++everywhere;
    next(std::nullopt);
  });
  srv->of("/chat");
  auto c = open();
  message(c, "0/chat,");
  ASSERT_TRUE(wait([&] { return c->count("0{") == 1 && c->count("0/chat,{") == 1; }));
  EXPECT_EQ(main_only, 1);
  EXPECT_EQ(everywhere, 2);
}

// The realtime emitter looks namespaces up by find(): "chat" must find what of("chat") made.
TEST_F(sio_server, find_names_namespaces_as_of_does) {
  make();
  srv->of("chat");
  ASSERT_TRUE(srv->find("chat"));
  EXPECT_EQ(srv->find("chat")->name(), "/chat");
  EXPECT_EQ(srv->find("/chat")->name(), "/chat");
  EXPECT_FALSE(srv->find("other"));
}

TEST_F(sio_server, throwing_dynamic_setup_refuses_the_connection) {
  make();
  srv->dynamic_namespaces([](std::string_view) { return true; },
                          [](namespace_) { throw std::runtime_error("setup"); });
  auto c = open("0/dyn,");
  ASSERT_TRUE(wait([&] { return c->count("4/dyn,") == 1; }));
  EXPECT_EQ(srv->dynamic_namespaces_alive(), 0u);
  EXPECT_FALSE(srv->find("/dyn"));
}

TEST_F(sio_server, throwing_callbacks_of_no_socket_are_only_reported) {
  make();
  std::atomic<int> connected{0};
  srv->of("/").on_connection([&](socket&) { ++connected; });
  auto c = open();
  ASSERT_TRUE(wait([&] { return connected == 1; }));
  std::atomic<int> ran{0};
  auto all = srv->of("/").all();
  all.emit("x", {}, [&](std::size_t) {
    ++ran;
    throw std::runtime_error("delivered");
  });
  all.timeout(std::chrono::milliseconds(1)).emit_with_ack("q", {}, [&](std::error_code, std::vector<arguments>) {
    ++ran;
    throw std::runtime_error("broadcast ack");
  });
  all.fetch_sockets([&](std::vector<socket_info>) {
    ++ran;
    throw std::runtime_error("fetch_sockets");
  });
  srv->of("/").counts([&](std::size_t, std::size_t) {
    ++ran;
    throw std::runtime_error("counts");
  });
  ASSERT_TRUE(wait([&] { return ran == 4 && srv->handler_errors() == 4; }));
  EXPECT_EQ(c->count("1"), 0u);  // no socket is to blame: all stay
}

// ---- 4. ack_sender: once across copies, from any thread.

TEST_F(sio_server, ack_sender_copies_answer_once_from_other_threads) {
  make();
  std::vector<ack_sender> acks;
  srv->of("/").on_connection([&](socket& s) {
    s.on("ev", [&](socket&, arguments&, ack_sender ack) {
      acks.push_back(ack);
      acks.push_back(ack);
    });
  });
  auto c = open();
  message(c, "27[\"ev\"]");
  ASSERT_TRUE(wait([&] { return acks.size() == 2; }));
  std::thread t1([&] { acks[0](); });
  std::thread t2([&] { acks[1](); });
  t1.join();
  t2.join();
  ASSERT_TRUE(wait([&] { return c->count("37") == 1; }));
  testing::drain(*pool);
  EXPECT_EQ(c->count("37"), 1u);
}

// ---- 5. Broadcast acks expire on the socket.

TEST_F(sio_server, unanswered_broadcast_acks_are_released_at_the_timeout) {
  options opts;
  opts.max_pending_acks = 2;
  make(std::move(opts));
  std::shared_ptr<detail::socket_impl> sock;
  srv->of("/").on_connection([&](socket& s) { sock = std::static_pointer_cast<detail::socket_impl>(s.shared_from_this()); });
  auto c = open();
  ASSERT_TRUE(wait([&] { return sock != nullptr; }));
  for (int round = 0; round < 3; ++round) {  // more rounds than max_pending_acks
    std::optional<std::error_code> result;
    std::size_t answers = 1;
    srv->of("/").all().timeout(std::chrono::milliseconds(20)).emit_with_ack("q", {}, [&](std::error_code ec, auto a) {
      result = ec;
      answers = a.size();
    });
    ASSERT_TRUE(wait([&] { return result.has_value(); }));
    EXPECT_EQ(*result, errc::ack_timeout);
    EXPECT_EQ(answers, 0u);
    ASSERT_TRUE(wait([&] { return sock->pending_acks() == 0; }));
  }
  EXPECT_EQ(c->count("2"), 3u);  // each broadcast still asked the socket
}

// ---- 6. Dynamic namespaces: of() in setup, freed with their last socket.

TEST_F(sio_server, dynamic_namespace_is_reclaimed_and_setup_may_call_of) {
  make();
  std::atomic<int> setups{0};
  srv->dynamic_namespaces([](std::string_view name) { return name.starts_with("/dyn-"); },
                          [&](namespace_ n) {
                            srv->of("/made-in-setup");  // deadlocked before
                            n.on_connection([](socket&) {});
                            ++setups;
                          });
  auto a = open("0/dyn-1,");
  auto b = open("0/dyn-1,");
  ASSERT_TRUE(wait([&] { return a->count("0/dyn-1,") == 1 && b->count("0/dyn-1,") == 1; }));
  EXPECT_TRUE(srv->find("/made-in-setup"));
  EXPECT_EQ(srv->dynamic_namespaces_alive(), 1u);
  message(a, "1/dyn-1,");
  ASSERT_TRUE(wait([&] { return !a->packets().empty(); }));
  testing::drain(*pool);
  EXPECT_EQ(srv->dynamic_namespaces_alive(), 1u);  // b is still in it
  b->close("transport close");
  ASSERT_TRUE(wait([&] { return srv->dynamic_namespaces_alive() == 0; }));
  EXPECT_FALSE(srv->find("/dyn-1"));
  // A namespace that of() named is kept, even once created by a client.
  auto c = open("0/dyn-2,");
  ASSERT_TRUE(wait([&] { return c->count("0/dyn-2,") == 1; }));
  srv->of("/dyn-2");
  EXPECT_EQ(srv->dynamic_namespaces_alive(), 0u);
  c->close("transport close");
  testing::drain(*pool);
  EXPECT_TRUE(srv->find("/dyn-2"));
  // A refused name is not created.
  auto d = open("0/nope,");
  ASSERT_TRUE(wait([&] { return d->count("4/nope,") == 1; }));
  EXPECT_EQ(setups, 2);
}

// ---- 7. Inbound event token bucket.

TEST_F(sio_server, events_over_the_bucket_are_dropped_and_counted) {
  options opts;
  opts.events = {.events_per_second = 1, .event_burst = 3, .on_excess = event_overflow::drop};
  make(std::move(opts));
  std::atomic<std::size_t> handled{0};
  srv->of("/").on_connection([&](socket& s) { s.on("ev", [&](socket&, arguments&, ack_sender) { ++handled; }); });
  auto c = open();
  constexpr std::size_t sent = 30;
  for (std::size_t i = 0; i < sent; ++i) message(c, "2[\"ev\"]");
  ASSERT_TRUE(wait([&] { return handled + srv->dropped_events() == sent; }));
  EXPECT_GE(handled, 3u);
  EXPECT_LT(handled, sent);
  EXPECT_TRUE(c->is_open());
  EXPECT_EQ(c->count("1"), 0u);
}

TEST_F(sio_server, namespace_override_disconnects_over_the_bucket) {
  make();
  srv->of("/strict").limit_events({.events_per_second = 1, .event_burst = 2, .on_excess = event_overflow::disconnect});
  std::string reason;
  srv->of("/strict").on_connection([&](socket& s) {
    s.on_disconnect([&](socket&, std::string_view r) { reason = r; });
  });
  auto c = open("0/strict,");
  for (int i = 0; i < 20; ++i) message(c, "2/strict,[\"ev\"]");
  ASSERT_TRUE(wait([&] { return c->count("1/strict,") == 1; }));
  EXPECT_EQ(reason, "event rate exceeded");
  EXPECT_EQ(srv->event_limit_disconnects(), 1u);
  EXPECT_EQ(srv->dropped_events(), 0u);
}

// ---- 8. Binary attachments: none before CONNECT, bounded after.

TEST_F(sio_server, binary_before_connect_closes_the_connection) {
  make();
  auto raw = open("");
  message(raw, std::string(1000, 'b'), true);
  auto head = open("");
  message(head, "51-[\"ev\",{\"_placeholder\":true,\"num\":0}]");
  ASSERT_TRUE(wait([&] { return !raw->is_open() && !head->is_open(); }));
  EXPECT_EQ(raw->close_reason(), "binary before connect");
  EXPECT_EQ(head->close_reason(), "binary before connect");
  EXPECT_EQ(srv->attachment_refusals(), 2u);
}

// As the reference server (socket.io's Client#ondecoded): packets for a namespace the client has
// not joined and a client's CONNECT_ERROR end the connection.
TEST_F(sio_server, packets_out_of_state_close_the_connection) {
  make();
  std::atomic<int> connected{0};
  srv->of("/").on_connection([&](socket&) { ++connected; });
  srv->of("/slow").use([](socket&, next_fn) {});  // never admits
  auto joined = open();
  ASSERT_TRUE(wait([&] { return connected == 1; }));
  const char* const out_of_state[] = {"2/other,[\"ev\"]", "3/other,1[]", "1/other,", "4{\"message\":\"x\"}"};
  std::vector<std::shared_ptr<fake_session>> clients;
  for (const char* packet : out_of_state) {
    auto c = open();
    clients.push_back(c);
    message(c, packet);
  }
  auto early = open("0/slow,");
  message(early, "2/slow,[\"too soon\"]");
  clients.push_back(early);
  ASSERT_TRUE(wait([&] {
    return std::all_of(clients.begin(), clients.end(), [](const auto& c) { return !c->is_open(); });
  }));
  for (const auto& c : clients) EXPECT_EQ(c->close_reason(), "invalid state");
  EXPECT_TRUE(joined->is_open());
}

// socket.io-client's connect() on a socket of a shared Manager, which already auto-connected,
// sends its CONNECT twice: before the first is admitted, or after. Neither ends the connection
// (the e2e test "joins the user room in every namespace" failed about half the time when the
// second, arriving after admission, closed it as "invalid state").
TEST_F(sio_server, a_repeated_connect_is_ignored) {
  make();
  std::atomic<int> connected{0};
  srv->of("/chat").on_connection([&](socket& s) {
    ++connected;
    s.on("ev", [](socket&, arguments&, ack_sender ack) { ack({}); });
  });
  srv->of("/slow").use([](socket&, next_fn next) { next(std::nullopt); });
  auto c = open();
  message(c, "0/chat,");
  message(c, "0/slow,");
  message(c, "0/slow,");  // its middleware may still run
  ASSERT_TRUE(wait([&] { return connected == 1 && c->count("0/slow,") == 1; }));
  message(c, "0/chat,");  // after admission
  message(c, "2/chat,1[\"ev\"]");
  ASSERT_TRUE(wait([&] { return c->count("3/chat,1") == 1; }));
  EXPECT_TRUE(c->is_open());
  EXPECT_EQ(connected, 1);
  EXPECT_EQ(c->count("0/chat,"), 1u);
}

TEST_F(sio_server, parked_attachments_are_bounded_after_connect) {
  options opts;
  opts.max_parked_attachment_bytes = 100;
  make(std::move(opts));
  std::atomic<int> got{0};
  srv->of("/").on_connection([&](socket& s) {
    s.on("bin", [&](socket&, arguments& a, ack_sender) { got += static_cast<int>(a.binaries.size()); });
  });
  auto ok = open();
  message(ok, "52-[\"bin\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]");
  message(ok, std::string(60, 'a'), true);
  message(ok, std::string(30, 'a'), true);
  ASSERT_TRUE(wait([&] { return got == 2; }));
  auto big = open();
  message(big, "52-[\"bin\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]");
  message(big, std::string(60, 'a'), true);
  message(big, std::string(60, 'a'), true);
  ASSERT_TRUE(wait([&] { return !big->is_open(); }));
  EXPECT_EQ(big->close_reason(), "attachments too large");
  EXPECT_TRUE(ok->is_open());
}


// ---- Rooms coming and going, for an adapter that subscribes per room.

// Forwards everything to the local adapter and records room_created / room_deleted.
class room_recorder final : public adapter {
 public:
  room_recorder(std::unique_ptr<adapter> local, std::mutex& mutex, std::vector<std::string>& events)
      : local_(std::move(local)), mutex_(mutex), events_(events) {}
  std::error_code broadcast(const wire::sio::packet& p, wire::frame_ptr f, const broadcast_target& t,
                            delivered_callback d) override {
    return local_->broadcast(p, std::move(f), t, std::move(d));
  }
  void broadcast_with_ack(const wire::sio::packet& p, wire::frame_ptr f, std::uint64_t id, const broadcast_target& t,
                          broadcast_ack_callback d, broadcast_ack_progress pr) override {
    local_->broadcast_with_ack(p, std::move(f), id, t, std::move(d), std::move(pr));
  }
  void fetch_sockets(const broadcast_target& t, std::function<void(std::vector<socket_info>)> d) override {
    local_->fetch_sockets(t, std::move(d));
  }
  void add_sockets(const broadcast_target& t, std::string room) override { local_->add_sockets(t, std::move(room)); }
  void del_sockets(const broadcast_target& t, std::string room) override { local_->del_sockets(t, std::move(room)); }
  void disconnect_sockets(const broadcast_target& t, bool close) override { local_->disconnect_sockets(t, close); }
  void counts(std::function<void(std::size_t, std::size_t)> d) override { local_->counts(std::move(d)); }
  void room_names(std::function<void(std::set<std::string>)> d) override { local_->room_names(std::move(d)); }
  bool tracks_rooms() const override { return true; }
  void room_created(const std::string& room, bool own) override { record("+", room, own); }
  void room_deleted(const std::string& room, bool own) override { record("-", room, own); }

 private:
  void record(const char* what, const std::string& room, bool own) {
    const std::lock_guard lock(mutex_);
    events_.push_back(what + (own ? std::string("own") : room));
  }
  std::unique_ptr<adapter> local_;
  std::mutex& mutex_;
  std::vector<std::string>& events_;
};

TEST_F(sio_server, the_adapter_hears_of_a_room_when_the_first_shard_has_it_and_the_last_one_loses_it) {
  std::mutex mutex;
  std::vector<std::string> events;
  options opts;
  opts.adapter_factory = [&](const std::string&, std::unique_ptr<adapter> local) -> std::unique_ptr<adapter> {
    return std::make_unique<room_recorder>(std::move(local), mutex, events);
  };
  make(std::move(opts), 2);
  std::atomic<int> connected{0};
  srv->of("/").on_connection([&](socket& s) {
    s.join("user:1");
    s.join("chat:1");
    ++connected;
  });
  auto snapshot = [&] {
    const std::lock_guard lock(mutex);
    return events;
  };
  constexpr int n = 6;
  for (int i = 0; i < n; ++i) open("0", i % 2);
  ASSERT_TRUE(wait([&] { return connected == n; }));
  auto seen = snapshot();
  EXPECT_EQ(std::count(seen.begin(), seen.end(), "+user:1"), 1);
  EXPECT_EQ(std::count(seen.begin(), seen.end(), "+chat:1"), 1);
  EXPECT_EQ(std::count(seen.begin(), seen.end(), "+own"), n);  // each socket's own room

  srv->of("/").in("chat:1").sockets_leave("chat:1");
  ASSERT_TRUE(wait([&] {
    const auto e = snapshot();
    return std::count(e.begin(), e.end(), "-chat:1") == 1;
  }));
  for (auto& s : sessions) s->close("bye");
  ASSERT_TRUE(wait([&] {
    const auto e = snapshot();
    return std::count(e.begin(), e.end(), "-own") == n && std::count(e.begin(), e.end(), "-user:1") == 1;
  }));
  seen = snapshot();
  EXPECT_EQ(seen.size(), 2u + n + 2u + n);
  EXPECT_EQ(std::count(seen.begin(), seen.end(), "-chat:1"), 1);
}

}  // namespace
}  // namespace switchboard::sio
