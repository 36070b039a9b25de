// The server and its sessions do not keep each other alive: once the last outside reference goes,
// both are freed, with or without closing the sessions first.
#include <gtest/gtest.h>

#include "engine_fixture.hpp"

namespace {

using namespace engine_test;

struct opened_sessions {
  std::vector<std::weak_ptr<sb::engine::session>> sessions;
  std::unique_ptr<websocket> ws;  // the WebSocket client, kept open
};

// One polling and one WebSocket session.
opened_sessions open_two(engine_fixture& f, boost::asio::io_context& ioc) {
  opened_sessions opened;
  EXPECT_FALSE(open_polling(f.port()).empty());
  opened.ws = open_websocket(ioc, f.port(), "/engine.io/?EIO=4&transport=websocket");
  EXPECT_TRUE(eventually([&] { return f.handler().opened().size() == 2; }));
  opened.sessions = f.handler().opened();
  return opened;
}

bool all_expired(const std::vector<std::weak_ptr<sb::engine::session>>& sessions) {
  return std::all_of(sessions.begin(), sessions.end(), [](const auto& w) { return w.expired(); });
}

TEST(Lifetime, ServerAndSessionsAreFreedAfterCloseAll) {
  engine_fixture f(sb::engine::options{});
  boost::asio::io_context ioc;
  auto opened = open_two(f, ioc);
  f.engine().close_all(std::chrono::milliseconds(10));
  ASSERT_TRUE(eventually([&] { return f.engine().session_count() == 0; }));
  const auto engine = f.weak_engine();
  f.destroy();
  EXPECT_TRUE(engine.expired());
  EXPECT_TRUE(all_expired(opened.sessions));
}

TEST(Lifetime, ServerAndOpenSessionsAreFreedWhenTheServerGoes) {
  engine_fixture f(sb::engine::options{});
  boost::asio::io_context ioc;
  auto opened = open_two(f, ioc);
  const auto engine = f.weak_engine();
  f.destroy();
  EXPECT_TRUE(engine.expired());
  EXPECT_TRUE(all_expired(opened.sessions));
}

}  // namespace
