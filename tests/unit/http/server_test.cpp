// The listener against raw TCP clients: HTTP framing, connection limits, header deadline.
#include "switchboard/http/server.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "../../support/eventually.hpp"
#include "server_fixture.hpp"
#include "test_client.hpp"

namespace http = switchboard::http;
using http::test::raw_client;
using http::test::ServerTest;
using switchboard::test::eventually;

namespace {

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
TEST(ShardPool, ZeroThreadsMeansOnePerCoreUpToTheEngineLimit) {
  http::shard_pool pool(0);
  EXPECT_GE(pool.size(), 1u);
  EXPECT_LE(pool.size(), 64u);
}
