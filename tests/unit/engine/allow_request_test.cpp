// options::allow_request, Node's allowRequest: a handshake is decided before its session exists,
// at once or later from another thread; a refusal is 403 {"code":4,"message":...} and frees the
// per-address and unauthenticated places the handshake held.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "engine_fixture.hpp"

namespace {

using namespace engine_test;

const std::map<std::string, std::string> upgrade_headers = {
    {"Connection", "Upgrade"}, {"Upgrade", "websocket"}, {"Sec-WebSocket-Version", "13"},
    {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="}};

sb::engine::options deciding(sb::engine::allow_request_handler h) {
  sb::engine::options o;
  o.clients = {.max_sessions_per_address = 1, .exempt_loopback = false};
  o.allow_request = std::move(h);
  return o;
}

TEST(AllowRequest, RefusesWithTheReferenceBodyAndFreesTheAddressPlace) {
  std::atomic<int> asked{0};
  engine_fixture f(deciding([&](const sb::http::request& req, const boost::asio::ip::tcp::endpoint& remote,
                                sb::engine::request_decision decision) {
    ++asked;
    EXPECT_TRUE(remote.address().is_loopback());
    if (req.find("x-ticket") == req.end()) return decision.refuse("No \"ticket\"");
    decision.allow();
  }));
  http_answer refused;
  for (int i = 0; i < 3; ++i) {  // each refusal gives its place back: the limit of 1 never bites
    EXPECT_EQ(open_polling(f.port(), {}, &refused), "");
    EXPECT_EQ(refused.status, 403u);
    EXPECT_EQ(refused.body, R"({"code":4,"message":"No \"ticket\""})");
    EXPECT_EQ(refused.headers.at("content-type"), "application/json");
  }
  const auto upgrade = request(f.port(), "GET", "/engine.io/?EIO=4&transport=websocket", upgrade_headers);
  EXPECT_EQ(upgrade.status, 403u);
  EXPECT_EQ(f.engine().traffic_totals().refused_allow_request, 4u);
  EXPECT_EQ(f.engine().unauthenticated_sessions(), 0u);
  EXPECT_FALSE(open_polling(f.port(), {{"X-Ticket", "1"}}).empty());
  EXPECT_EQ(asked, 5);
  EXPECT_EQ(f.engine().session_count(), 1u);
}

TEST(AllowRequest, DecidesLaterFromAnotherThread) {
  std::vector<std::thread> deciders;
  engine_fixture f(deciding([&](const sb::http::request&, const boost::asio::ip::tcp::endpoint&,
                                sb::engine::request_decision decision) {
    deciders.emplace_back([decision] {  // as a lookup elsewhere would answer
      decision.allow();
      decision.refuse("too late: the first answer stands");
    });
  }));
  EXPECT_FALSE(open_polling(f.port()).empty());
  boost::asio::io_context ioc;
  EXPECT_THROW(open_websocket(ioc, f.port(), "/engine.io/?EIO=4&transport=websocket"), std::exception)
      << "one session per address: the second handshake is refused by the limit before it is asked";
  for (auto& t : deciders) t.join();
  EXPECT_EQ(deciders.size(), 1u);
  EXPECT_EQ(f.engine().session_count(), 1u);
}

TEST(AllowRequest, ALostDecisionOrAThrowRefuses) {
  std::atomic<int> calls{0};
  engine_fixture f(deciding([&](const sb::http::request&, const boost::asio::ip::tcp::endpoint&,
                                sb::engine::request_decision) {
    if (++calls == 1) return;  // dropped unanswered
    throw std::runtime_error("database down");
  }));
  http_answer refused;
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(open_polling(f.port(), {}, &refused), "");
    EXPECT_EQ(refused.status, 403u);
    EXPECT_EQ(refused.body, R"({"code":4,"message":"Forbidden"})");
  }
  EXPECT_EQ(f.engine().session_count(), 0u);
}

TEST(AllowRequest, IsNotAskedAboutRequestsOfAnExistingSession) {
  std::atomic<int> asked{0};
  engine_fixture f(deciding([&](const sb::http::request&, const boost::asio::ip::tcp::endpoint&,
                                sb::engine::request_decision decision) {
    ++asked;
    decision.allow();
  }));
  const std::string sid = open_polling(f.port());
  ASSERT_FALSE(sid.empty());
  EXPECT_EQ(request(f.port(), "POST", "/engine.io/?EIO=4&transport=polling&sid=" + sid, {}, "4hi").status, 200u);
  EXPECT_EQ(asked, 1);
}

}  // namespace
