// Handshake floods from one address, the unauthenticated budget and timeout, and probe abuse.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/beast/core/buffers_to_string.hpp>

#include "engine_fixture.hpp"

namespace {

using namespace engine_test;
using headers = std::map<std::string, std::string>;

constexpr const char* too_many = R"({"code":4,"message":"Too many requests"})";
constexpr const char* busy = R"({"code":4,"message":"Server busy"})";

// Closes a polling session from the server side; the client's next GET collects the close packet.
void close_polling(engine_fixture& f, const sb::engine::session_ptr& s) {
  on_shard<int>(s, [s] {
    s->close();
    return 0;
  });
  EXPECT_EQ(request(f.port(), "GET", "/engine.io/?EIO=4&transport=polling&sid=" + s->id()).body, "1");
  EXPECT_TRUE(eventually([&] { return !s->is_open(); }));
}

sb::engine::options per_address(std::size_t max_sessions, double rate, double burst, bool trust_proxy = false) {
  sb::engine::options o;
  o.clients = {.max_sessions_per_address = max_sessions, .handshakes_per_second = rate, .handshake_burst = burst,
               .trust_proxy = trust_proxy, .exempt_loopback = false};
  return o;
}

TEST(HandshakeLimits, FloodFromOneAddressIsRateLimited) {
  engine_fixture f(per_address(0, 0.001, 5));
  for (int i = 0; i < 5; ++i) ASSERT_FALSE(open_polling(f.port()).empty()) << i;
  http_answer refused;
  EXPECT_EQ(open_polling(f.port(), {}, &refused), "");
  EXPECT_EQ(refused.status, 429u);
  EXPECT_EQ(refused.body, too_many);
  EXPECT_EQ(refused.headers.at("content-type"), "application/json");
  // A WebSocket handshake is refused the same way.
  const auto upgrade = request(f.port(), "GET", "/engine.io/?EIO=4&transport=websocket",
                               {{"Connection", "Upgrade"}, {"Upgrade", "websocket"}, {"Sec-WebSocket-Version", "13"},
                                {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="}});
  EXPECT_EQ(upgrade.status, 429u);
  EXPECT_EQ(upgrade.body, too_many);
  EXPECT_EQ(f.engine().traffic_totals().refused_handshake_rate, 2u);
  EXPECT_EQ(f.engine().session_count(), 5u);
}

TEST(HandshakeLimits, ConcurrentSessionsPerAddressAreCappedAndFreedOnClose) {
  engine_fixture f(per_address(3, 0, 0));
  for (int i = 0; i < 3; ++i) ASSERT_FALSE(open_polling(f.port()).empty());
  http_answer refused;
  EXPECT_EQ(open_polling(f.port(), {}, &refused), "");
  EXPECT_EQ(refused.status, 429u);
  EXPECT_EQ(refused.body, too_many);
  EXPECT_EQ(f.engine().traffic_totals().refused_address_sessions, 1u);

  auto s = f.handler().opened().at(0).lock();
  ASSERT_TRUE(s);
  close_polling(f, s);
  EXPECT_EQ(f.engine().session_count(), 2u);
  EXPECT_FALSE(open_polling(f.port()).empty());
}

TEST(HandshakeLimits, ForwardedForCountsOnlyWithTrustProxy) {
  {
    engine_fixture f(per_address(2, 0, 0, false));
    for (int i = 0; i < 2; ++i) ASSERT_FALSE(open_polling(f.port(), {{"X-Forwarded-For", "198.51.100." + std::to_string(i)}}).empty());
    http_answer refused;
    EXPECT_EQ(open_polling(f.port(), {{"X-Forwarded-For", "198.51.100.9"}}, &refused), "");
    EXPECT_EQ(refused.status, 429u);
    EXPECT_EQ(f.handler().opened().at(0).lock()->client_address().to_string(), "127.0.0.1");
  }
  {
    engine_fixture f(per_address(2, 0, 0, true));
    // The last entry is the one the trusted proxy appended; what the client wrote before it is not.
    for (int i = 0; i < 4; ++i) {
      ASSERT_FALSE(open_polling(f.port(), {{"X-Forwarded-For", "203.0.113.5, 198.51.100." + std::to_string(i)}}).empty());
    }
    EXPECT_FALSE(open_polling(f.port(), {{"X-Forwarded-For", "203.0.113.5"}}).empty());
    EXPECT_FALSE(open_polling(f.port(), {{"X-Forwarded-For", "203.0.113.5"}}).empty());
    http_answer refused;
    EXPECT_EQ(open_polling(f.port(), {{"X-Forwarded-For", "198.51.100.77, 203.0.113.5"}}, &refused), "");
    EXPECT_EQ(refused.status, 429u);
    EXPECT_EQ(f.handler().opened().at(0).lock()->client_address().to_string(), "198.51.100.0");
    EXPECT_EQ(f.handler().opened().at(0).lock()->remote().address().to_string(), "127.0.0.1");
  }
}

TEST(HandshakeLimits, LoopbackIsExemptByDefault) {
  auto o = per_address(1, 0.001, 1);
  o.clients.exempt_loopback = true;
  engine_fixture f(o);
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(open_polling(f.port()).empty());
}

TEST(UnauthenticatedBudget, CountIsCappedAndAuthenticationFreesIt) {
  sb::engine::options o;
  o.unauthenticated.max_sessions = 2;
  engine_fixture f(o);
  ASSERT_FALSE(open_polling(f.port()).empty());
  ASSERT_FALSE(open_polling(f.port()).empty());
  EXPECT_EQ(f.engine().unauthenticated_sessions(), 2u);
  http_answer refused;
  EXPECT_EQ(open_polling(f.port(), {}, &refused), "");
  EXPECT_EQ(refused.status, 503u);
  EXPECT_EQ(refused.body, busy);
  EXPECT_EQ(f.engine().traffic_totals().refused_unauthenticated, 1u);

  auto s = f.handler().opened().at(0).lock();
  EXPECT_FALSE(s->is_authenticated());
  on_shard<int>(s, [s] {
    s->mark_authenticated();
    s->mark_authenticated();  // idempotent
    return 0;
  });
  EXPECT_TRUE(s->is_authenticated());
  EXPECT_EQ(f.engine().unauthenticated_sessions(), 1u);
  EXPECT_FALSE(open_polling(f.port()).empty());
  // Closing the authenticated one gives nothing back twice; closing an unauthenticated one does.
  close_polling(f, s);
  EXPECT_EQ(f.engine().unauthenticated_sessions(), 2u);
  close_polling(f, f.handler().opened().at(1).lock());
  EXPECT_EQ(f.engine().unauthenticated_sessions(), 1u);
}

TEST(UnauthenticatedBudget, BytesOfHeldHeadersAreCapped) {
  sb::engine::options o;
  o.unauthenticated.max_bytes = 24 * 1024;
  engine_fixture f(o);
  const headers big{{"X-Pad", std::string(12 * 1024, 'p')}};
  ASSERT_FALSE(open_polling(f.port(), big).empty());
  EXPECT_GT(f.engine().unauthenticated_bytes(), 12u * 1024);
  http_answer refused;
  EXPECT_EQ(open_polling(f.port(), big, &refused), "");
  EXPECT_EQ(refused.status, 503u);
  EXPECT_EQ(refused.body, busy);
  EXPECT_FALSE(open_polling(f.port()).empty());  // a small one still fits
  EXPECT_EQ(f.engine().traffic_totals().refused_unauthenticated, 1u);
}

TEST(UnauthenticatedBudget, PreAuthTimeoutClosesOnlyUnauthenticatedSessions) {
  sb::engine::options o;
  o.unauthenticated.pre_auth_timeout = std::chrono::milliseconds(100);
  engine_fixture f(o);
  // The first session is authenticated as it opens; the second never is.
  auto opened = std::make_shared<std::atomic<int>>(0);
  f.handler().on_open_hook = [opened](const sb::engine::session_ptr& s) {
    if (opened->fetch_add(1) == 0) s->mark_authenticated();
  };
  const std::string authenticated = open_polling(f.port());
  const std::string anonymous = open_polling(f.port());
  ASSERT_TRUE(eventually([&] { return f.handler().closes().size() == 1; }));
  EXPECT_EQ(f.handler().closes().at(0).id, anonymous);
  EXPECT_EQ(f.handler().closes().at(0).reason, "unauthenticated timeout");
  EXPECT_EQ(f.engine().traffic_totals().pre_auth_timeouts, 1u);
  EXPECT_EQ(f.engine().unauthenticated_sessions(), 0u);
  EXPECT_EQ(f.engine().session_count(), 1u);
  EXPECT_TRUE(f.handler().find(authenticated).lock());
}

TEST(UpgradeProbe, RepeatedProbesGetOneAnswerThenTheUpgradeCloses) {
  engine_fixture f(sb::engine::options{});
  const std::string sid = open_polling(f.port());
  boost::asio::io_context ioc;
  auto ws = open_websocket(ioc, f.port(), "/engine.io/?EIO=4&transport=websocket&sid=" + sid);
  const watchdog guard(ws->next_layer());
  ws->write(boost::asio::buffer(std::string("2probe")));
  ws->write(boost::asio::buffer(std::string("2probe")));
  boost::beast::flat_buffer buffer;
  ws->read(buffer);
  EXPECT_EQ(boost::beast::buffers_to_string(buffer.data()), "3probe");
  buffer.clear();
  boost::system::error_code ec;
  // More of them, as a client that never reads would; the server may have closed by now.
  for (int i = 0; i < 48 && !ec; ++i) ws->write(boost::asio::buffer(std::string("2probe")), ec);
  ec = {};
  ws->read(buffer, ec);  // no second answer: the server closes the probe (a close frame, or a reset)
  EXPECT_TRUE(ec) << boost::beast::buffers_to_string(buffer.data());
  EXPECT_EQ(f.engine().traffic_totals().probe_abuse, 1u);
  // The session goes on polling.
  EXPECT_EQ(f.engine().session_count(), 1u);
  EXPECT_TRUE(f.handler().find(sid).lock());
}

}  // namespace
