// The listener against raw TCP clients: HTTP framing, connection limits, header deadline.
#include "switchboard/http/server.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "test_client.hpp"

namespace http = switchboard::http;
using http::test::raw_client;

namespace {

// Answers every request "hello" and counts the paths it saw.
class hello_route final : public http::route {
 public:
  void on_request(http::exchange_ptr ex) override {
    {
      std::lock_guard lock(mutex_);
      targets_.emplace_back(ex->req().target());
    }
    ex->respond(http::make_response(ex->req(), boost::beast::http::status::ok, "hello"));
  }
  void on_websocket(http::websocket_upgrade_ptr upgrade) override {
    upgrade->refuse(http::make_response(upgrade->req(), boost::beast::http::status::not_found, "no"));
  }
  std::size_t body_limit() const noexcept override { return 1024 * 1024; }
  http::websocket_options websocket() const noexcept override { return {}; }

  std::vector<std::string> targets() {
    std::lock_guard lock(mutex_);
    return targets_;
  }

 private:
  std::mutex mutex_;
  std::vector<std::string> targets_;
};

template <class Predicate>
bool eventually(Predicate p) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!p()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

class ServerTest : public ::testing::Test {
 protected:
  void start(http::server_options options = {}) {
    options.threads = 2;
    server_ = std::make_unique<http::server>(options);
    server_->mount("/", route_);
    server_->start();
  }
  void TearDown() override {
    if (server_) server_->stop();
  }
  std::uint16_t port() const { return server_->port(); }
  http::server_stats stats() const { return server_->stats(); }

  std::shared_ptr<hello_route> route_ = std::make_shared<hello_route>();
  std::unique_ptr<http::server> server_;
};

std::size_t content_length(const std::string& header) {
  const auto at = header.find("Content-Length: ");
  return at == std::string::npos ? 0 : std::stoul(header.substr(at + 16));
}

}  // namespace

TEST_F(ServerTest, HeadAnswersWithoutBodyAndKeepsTheConnectionInStep) {
  start();
  raw_client c(port());
  ASSERT_TRUE(c.send("HEAD /a HTTP/1.1\r\nHost: x\r\n\r\n"));
  const std::string head = c.read_header();
  ASSERT_TRUE(head.starts_with("HTTP/1.1 200")) << head;
  EXPECT_EQ(content_length(head), 5u);  // what GET would send
  c.take(head.size());
  ASSERT_TRUE(c.send("GET /b HTTP/1.1\r\nHost: x\r\n\r\n"));
  const std::string get = c.read_header();
  ASSERT_TRUE(get.starts_with("HTTP/1.1 200")) << c.input();
  c.take(get.size());
  ASSERT_TRUE(c.read_at_least(5));
  EXPECT_EQ(c.take(5), "hello");
}

TEST_F(ServerTest, TransferCodingsOtherThanChunkedAreRefusedAndTheConnectionCloses) {
  start();
  for (const char* coding : {"xchunked", "gzip", "identity", "gzip, chunked"}) {
    raw_client c(port());
    ASSERT_TRUE(c.send(std::string("POST /post HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: ") + coding +
                       "\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n"));
    ASSERT_TRUE(c.read_until_close()) << coding;
    EXPECT_TRUE(c.input().starts_with("HTTP/1.1 501")) << coding << ": " << c.input();
    EXPECT_EQ(c.input().find("HTTP/1.1", 1), std::string::npos) << coding << ": " << c.input();
  }
  EXPECT_TRUE(route_->targets().empty());
  EXPECT_EQ(stats().framing_refused, 4u);
}

TEST_F(ServerTest, TransferEncodingBesideContentLengthIsRefused) {
  start();
  raw_client c(port());
  ASSERT_TRUE(c.send("POST /post HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
                     "0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(c.read_until_close());
  EXPECT_TRUE(c.input().starts_with("HTTP/1.1 400")) << c.input();
  EXPECT_EQ(c.input().find("HTTP/1.1", 1), std::string::npos) << c.input();
  EXPECT_TRUE(route_->targets().empty());
}

TEST_F(ServerTest, ChunkedBodiesStillWork) {
  start();
  raw_client c(port());
  ASSERT_TRUE(c.send("POST /post HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"));
  EXPECT_TRUE(c.read_header().starts_with("HTTP/1.1 200")) << c.input();
  EXPECT_EQ(route_->targets(), std::vector<std::string>{"/post"});
}

TEST_F(ServerTest, ConnectionsOverThePerAddressLimitAreAnswered503) {
  http::server_options options;
  options.max_connections_per_ip = 2;
  options.exempt_loopback = false;  // the test's clients are on loopback
  start(options);
  raw_client a(port()), b(port());
  ASSERT_TRUE(eventually([&] { return stats().connections_open == 2; }));
  raw_client refused(port());
  ASSERT_TRUE(refused.read_until_close());
  EXPECT_TRUE(refused.input().starts_with("HTTP/1.1 503")) << refused.input();
  EXPECT_NE(refused.input().find(R"({"code":503,"message":)"), std::string::npos) << refused.input();
  EXPECT_EQ(stats().refused_per_ip_limit, 1u);
}

TEST_F(ServerTest, LoopbackPeersAreNotLimitedPerAddressByDefault) {
  http::server_options options;
  options.max_connections_per_ip = 2;
  start(options);
  raw_client a(port()), b(port()), c(port());
  ASSERT_TRUE(eventually([&] { return stats().connections_open == 3; }));
  EXPECT_EQ(stats().refused_per_ip_limit, 0u);
}

TEST_F(ServerTest, ConnectionsOverTheTotalLimitAreAnswered503AndFreedSlotsAreReused) {
  http::server_options options;
  options.max_connections = 2;
  start(options);
  EXPECT_EQ(server_->max_connections(), 2u);
  {
    raw_client a(port()), b(port());
    ASSERT_TRUE(eventually([&] { return stats().connections_open == 2; }));
    raw_client refused(port());
    ASSERT_TRUE(refused.read_until_close());
    EXPECT_TRUE(refused.input().starts_with("HTTP/1.1 503")) << refused.input();
    EXPECT_EQ(stats().refused_total_limit, 1u);
  }
  ASSERT_TRUE(eventually([&] { return stats().connections_open == 0; }));
  raw_client again(port());
  ASSERT_TRUE(again.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_TRUE(again.read_header().starts_with("HTTP/1.1 200")) << again.input();
}

TEST_F(ServerTest, TheDefaultTotalLimitStaysBelowTheDescriptorLimit) {
  start();
  rlimit limit{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &limit), 0);
  if (limit.rlim_cur != RLIM_INFINITY) {
    EXPECT_LT(server_->max_connections(), limit.rlim_cur);
  }
  EXPECT_GT(server_->max_connections(), 0u);
}

TEST_F(ServerTest, ConnectionsOverTheHeaderPhaseCapAreAnswered503) {
  http::server_options options;
  options.max_header_phase_connections = 1;
  start(options);
  raw_client waiting(port());
  ASSERT_TRUE(eventually([&] { return stats().connections_open == 1; }));
  raw_client refused(port());
  ASSERT_TRUE(refused.read_until_close());
  EXPECT_TRUE(refused.input().starts_with("HTTP/1.1 503")) << refused.input();
  EXPECT_EQ(stats().refused_header_phase_limit, 1u);
  // Once its header is in, a connection no longer counts against the cap.
  ASSERT_TRUE(waiting.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_TRUE(waiting.read_header().starts_with("HTTP/1.1 200"));
  raw_client next(port());
  ASSERT_TRUE(next.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_TRUE(next.read_header().starts_with("HTTP/1.1 200")) << next.input();
}

TEST_F(ServerTest, ASlowlorisIsClosedAtTheHeaderDeadline) {
  http::server_options options;
  options.header_timeout = std::chrono::milliseconds(200);
  start(options);
  raw_client c(port());
  ASSERT_TRUE(c.send("GET / HTTP/1.1\r\nHost: x\r\nX-Slow: a"));
  EXPECT_TRUE(c.read_until_close());  // long before the 60 s idle timeout, and the client's 10 s
  EXPECT_TRUE(eventually([&] { return stats().header_timeouts == 1; }));
  EXPECT_TRUE(eventually([&] { return stats().connections_open == 0; }));
}

// Runs out of descriptors in this process: the accept loop answers 503 from its reserve
// descriptor, keeps going, and serves again once descriptors are back.
TEST_F(ServerTest, TheAcceptLoopSurvivesRunningOutOfDescriptors) {
  start();
  raw_client refused, served;  // their descriptors exist before the limit is lowered
  rlimit saved{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &saved), 0);
  int highest = 0;
  if (DIR* dir = ::opendir("/proc/self/fd")) {
    while (const dirent* entry = ::readdir(dir)) highest = std::max(highest, std::atoi(entry->d_name));
    ::closedir(dir);
  }
  rlimit lowered = saved;
  lowered.rlim_cur = static_cast<rlim_t>(highest + 1);
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &lowered), 0);
  std::vector<int> fillers;  // the holes below the limit
  for (int fd; (fd = ::open("/dev/null", O_RDONLY)) >= 0;) fillers.push_back(fd);

  ASSERT_TRUE(refused.connect(port()));
  const bool closed = refused.read_until_close();
  const auto errors = stats().accept_errors;

  for (int fd : fillers) ::close(fd);
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &saved), 0);
  EXPECT_TRUE(closed);
  EXPECT_TRUE(refused.input().starts_with("HTTP/1.1 503")) << refused.input();
  EXPECT_GE(errors, 1u);
  ASSERT_TRUE(served.connect(port()));
  ASSERT_TRUE(served.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_TRUE(served.read_header().starts_with("HTTP/1.1 200")) << served.input();
}

TEST(ShardPool, ZeroThreadsMeansOnePerCoreUpToTheEngineLimit) {
  http::shard_pool pool(0);
  EXPECT_GE(pool.size(), 1u);
  EXPECT_LE(pool.size(), 64u);
}
