// http::relay_pool (requests forwarded over pooled connections) and websocket_upgrade::tunnel,
// against scripted targets: raw TCP servers that answer, close, or echo as each test needs.
#include "switchboard/http/relay.hpp"

#include <gtest/gtest.h>

#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <future>
#include <thread>

#include "../../support/eventually.hpp"
#include "server_fixture.hpp"
#include "test_client.hpp"

namespace switchboard::http::test {
namespace {

namespace asio = boost::asio;
namespace bh = boost::beast::http;
using tcp = asio::ip::tcp;

// A loopback TCP server on a free port that runs `script` on each accepted connection, one after
// the other, on its own thread.
class scripted_target {
 public:
  using script = std::function<void(tcp::socket&)>;
  explicit scripted_target(script s) : acceptor_(io_, {asio::ip::make_address("127.0.0.1"), 0}), script_(std::move(s)) {
    thread_ = std::thread([this] {
      for (;;) {
        tcp::socket socket(io_);
        boost::system::error_code ec;
        acceptor_.accept(socket, ec);
        if (ec) return;
        ++accepted_;
        script_(socket);
      }
    });
  }
  ~scripted_target() {
    ::shutdown(acceptor_.native_handle(), SHUT_RDWR);  // wakes the blocked accept
    thread_.join();
  }
  tcp::endpoint endpoint() const { return acceptor_.local_endpoint(); }
  int accepted() const { return accepted_.load(); }

 private:
  asio::io_context io_;
  tcp::acceptor acceptor_;
  script script_;
  std::atomic<int> accepted_{0};
  std::thread thread_;
};

// Reads one request header (the tests send no bodies), or nothing when the peer closed.
std::string read_request(tcp::socket& socket) {
  std::string text;
  boost::system::error_code ec;
  const std::size_t n = asio::read_until(socket, asio::dynamic_buffer(text), "\r\n\r\n", ec);
  return ec ? std::string() : text.substr(0, n);
}

void write_text(tcp::socket& socket, std::string_view text) {
  boost::system::error_code ignored;
  asio::write(socket, asio::buffer(text), ignored);
}

constexpr std::string_view ok_answer = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";

// A port nothing listens on: bound, then closed.
tcp::endpoint closed_endpoint() {
  asio::io_context io;
  tcp::acceptor a(io, {asio::ip::make_address("127.0.0.1"), 0});
  return a.local_endpoint();
}

class RelayTest : public ::testing::Test {
 protected:
  RelayTest() { shards_.start(); }
  ~RelayTest() override { shards_.stop(); }

  struct result {
    relay_outcome outcome;
    response res;
  };
  result forward(relay_pool& pool, tcp::endpoint target, std::string target_path = "/x") {
    std::promise<result> done;
    request req{bh::verb::get, target_path, 11};
    req.set(bh::field::host, "example");
    pool.forward(0, target, std::move(req), [&done](relay_outcome o, response r) { done.set_value({o, std::move(r)}); });
    auto f = done.get_future();
    if (f.wait_for(std::chrono::seconds(20)) != std::future_status::ready) throw std::runtime_error("relay timeout");
    return f.get();
  }

  shard_pool shards_{1};
};

TEST_F(RelayTest, AnswersComeBackAndKeepAliveConnectionsAreReused) {
  scripted_target target([](tcp::socket& s) {
    while (!read_request(s).empty()) write_text(s, ok_answer);
  });
  relay_pool pool(shards_);
  for (int i = 0; i < 3; ++i) {
    const auto r = forward(pool, target.endpoint());
    ASSERT_EQ(r.outcome, relay_outcome::answered);
    EXPECT_EQ(r.res.result(), bh::status::ok);
    EXPECT_EQ(r.res.body(), "hello");
  }
  EXPECT_EQ(target.accepted(), 1);
  EXPECT_EQ(pool.stats().forwarded, 3u);
  EXPECT_EQ(pool.stats().connections, 1u);
}

TEST_F(RelayTest, TheRequestGoesAsGivenButKeepAlive) {
  std::promise<std::string> seen;
  scripted_target target([&seen](tcp::socket& s) {
    seen.set_value(read_request(s));
    write_text(s, ok_answer);
  });
  relay_pool pool(shards_);
  std::promise<relay_outcome> done;
  request req{bh::verb::get, "/engine.io/?sid=abc", 10};
  req.set("X-Custom", "kept");
  pool.forward(0, target.endpoint(), req, [&done](relay_outcome o, response) { done.set_value(o); });
  EXPECT_EQ(done.get_future().get(), relay_outcome::answered);
  const std::string text = seen.get_future().get();
  EXPECT_NE(text.find("GET /engine.io/?sid=abc HTTP/1.0\r\n"), std::string::npos) << text;
  EXPECT_NE(text.find("X-Custom: kept\r\n"), std::string::npos) << text;
  EXPECT_NE(text.find("Connection: keep-alive\r\n"), std::string::npos) << text;
}

TEST_F(RelayTest, ATargetThatIsNotListeningIsUnreachable) {
  relay_pool pool(shards_);
  EXPECT_EQ(forward(pool, closed_endpoint()).outcome, relay_outcome::unreachable);
  EXPECT_EQ(pool.stats().unreachable, 1u);
  EXPECT_EQ(pool.stats().connections, 0u);
}

TEST_F(RelayTest, AConnectionClosedWithoutAnAnswerFails) {
  scripted_target target([](tcp::socket& s) { (void)read_request(s); });  // reads, then closes
  relay_pool pool(shards_);
  EXPECT_EQ(forward(pool, target.endpoint()).outcome, relay_outcome::failed);
  EXPECT_EQ(pool.stats().failed, 1u);
  EXPECT_EQ(pool.stats().connections, 0u);
}

TEST_F(RelayTest, AnAnswerOverTheLimitFails) {
  scripted_target target([](tcp::socket& s) {
    (void)read_request(s);
    write_text(s, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + std::string(100, 'x'));
  });
  relay_pool pool(shards_, {.max_response_bytes = 50});
  EXPECT_EQ(forward(pool, target.endpoint()).outcome, relay_outcome::failed);
}

TEST_F(RelayTest, AReusedConnectionTheTargetClosedIsReplacedOnce) {
  // The target answers one request per connection while saying keep-alive, then closes.
  scripted_target target([](tcp::socket& s) {
    if (!read_request(s).empty()) write_text(s, ok_answer);
  });
  relay_pool pool(shards_);
  ASSERT_EQ(forward(pool, target.endpoint()).outcome, relay_outcome::answered);
  ASSERT_TRUE(::switchboard::test::eventually([&] { return target.accepted() == 1; }));
  const auto second = forward(pool, target.endpoint());
  EXPECT_EQ(second.outcome, relay_outcome::answered);
  EXPECT_EQ(target.accepted(), 2);
  EXPECT_EQ(pool.stats().failed, 0u);
}

TEST_F(RelayTest, RequestsBeyondTheConnectionLimitAreRefusedBusy) {
  std::promise<void> release;
  auto released = release.get_future().share();
  scripted_target target([released](tcp::socket& s) {
    (void)read_request(s);
    released.wait();  // holds the answer, as an owner holds a polling GET
    write_text(s, ok_answer);
  });
  relay_pool pool(shards_, {.max_connections_per_target = 1});
  std::promise<relay_outcome> first;
  request req{bh::verb::get, "/", 11};
  pool.forward(0, target.endpoint(), req, [&first](relay_outcome o, response) { first.set_value(o); });
  ASSERT_TRUE(::switchboard::test::eventually([&] { return target.accepted() == 1; }));
  EXPECT_EQ(forward(pool, target.endpoint()).outcome, relay_outcome::busy);
  EXPECT_EQ(pool.stats().busy, 1u);
  release.set_value();
  EXPECT_EQ(first.get_future().get(), relay_outcome::answered);
}

// A route that hands every WebSocket upgrade to `target`, marked with a header.
class tunnel_route final : public http::route {
 public:
  explicit tunnel_route(tcp::endpoint target) : target_(target) {}
  void on_request(http::exchange_ptr ex) override {
    ex->respond(http::make_response(ex->req(), bh::status::not_found, "no"));
  }
  void on_websocket(http::websocket_upgrade_ptr upgrade) override {
    request forwarded = upgrade->req();
    forwarded.set("X-Relayed", "1");
    upgrade->tunnel(target_, forwarded, http::make_response(upgrade->req(), bh::status::bad_request, "gone"));
  }
  std::size_t body_limit() const noexcept override { return 0; }
  http::websocket_options websocket() const noexcept override { return {}; }

 private:
  tcp::endpoint target_;
};

constexpr std::string_view upgrade_request =
    "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

TEST(Tunnel, AnUpgradeReachesTheTargetRewrittenThenBytesFlowBothWays) {
  std::promise<std::string> seen;
  scripted_target target([&seen](tcp::socket& s) {
    seen.set_value(read_request(s));
    write_text(s, "HTTP/1.1 101 Switching Protocols\r\n\r\n");
    char bytes[64];
    boost::system::error_code ec;
    while (!ec) {  // echoes until the tunnel closes
      const std::size_t n = s.read_some(asio::buffer(bytes), ec);
      if (!ec) asio::write(s, asio::buffer(bytes, n), ec);
    }
  });
  http::server server({.threads = 1});
  server.mount("/", std::make_shared<tunnel_route>(target.endpoint()));
  server.start();
  {
    raw_client client(server.port());
    ASSERT_TRUE(client.send(upgrade_request));
    const std::string header = client.read_header();
    EXPECT_TRUE(header.starts_with("HTTP/1.1 101")) << header;
    client.take(header.size());
    const std::string bytes = "binary \x01\x02 bytes";
    ASSERT_TRUE(client.send(bytes));
    ASSERT_TRUE(client.read_at_least(bytes.size()));
    EXPECT_EQ(client.input(), bytes);
    const std::string forwarded = seen.get_future().get();
    EXPECT_NE(forwarded.find("X-Relayed: 1\r\n"), std::string::npos) << forwarded;
    EXPECT_NE(forwarded.find("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"), std::string::npos) << forwarded;
  }
  // The client gone, the tunnel closes its side to the target too, and its place in the limits goes.
  EXPECT_TRUE(::switchboard::test::eventually([&] { return server.stats().connections_open == 0; }));
  server.stop();
}

TEST(Tunnel, AnUnreachableTargetGetsTheRouteAnswer) {
  http::server server({.threads = 1});
  server.mount("/", std::make_shared<tunnel_route>(closed_endpoint()));
  server.start();
  raw_client client(server.port());
  ASSERT_TRUE(client.send(upgrade_request));
  ASSERT_TRUE(client.read_until_close());
  EXPECT_TRUE(client.input().starts_with("HTTP/1.1 400")) << client.input();
  EXPECT_NE(client.input().find("gone"), std::string::npos);
  server.stop();
}

}  // namespace
}  // namespace switchboard::http::test
