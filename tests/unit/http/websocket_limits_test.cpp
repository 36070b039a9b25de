// WebSocket connections against raw clients: ping floods, a peer that does not read, close frames.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <thread>

#include "../../support/eventually.hpp"
#include "switchboard/http/server.hpp"
#include "test_client.hpp"

namespace http = switchboard::http;
namespace wire = switchboard::wire;
using http::test::raw_client;
using switchboard::test::eventually;

namespace {

// Accepts every upgrade; keeps the last channel so that the test can write to it.
class echo_route final : public http::route {
 public:
  explicit echo_route(http::websocket_options options) : options_(options) {}

  void on_request(http::exchange_ptr ex) override {
    ex->respond(http::make_response(ex->req(), boost::beast::http::status::not_found, "no"));
  }
  void on_websocket(http::websocket_upgrade_ptr upgrade) override {
    auto holder = std::make_shared<std::weak_ptr<http::websocket_channel>>();
    auto channel = upgrade->accept(
        [holder](bool, std::string) {
          if (auto c = holder->lock()) c->consumed();
        },
        [this] { closed_.fetch_add(1); });
    *holder = channel;
    std::lock_guard lock(mutex_);
    channel_ = channel;
  }
  std::size_t body_limit() const noexcept override { return 1024; }
  http::websocket_options websocket() const noexcept override { return options_; }

  http::websocket_channel_ptr channel() {
    std::lock_guard lock(mutex_);
    return channel_;
  }
  int closed() const { return closed_.load(); }
  // Before the server goes: a channel must not outlive its shard.
  void forget() {
    std::lock_guard lock(mutex_);
    channel_.reset();
  }

 private:
  http::websocket_options options_;
  std::mutex mutex_;
  http::websocket_channel_ptr channel_;
  std::atomic<int> closed_{0};
};

// A masked client frame (RFC 6455 5.2).
std::string client_frame(unsigned op, std::string_view payload) {
  std::string f;
  f.push_back(static_cast<char>(0x80 | op));
  if (payload.size() < 126) {
    f.push_back(static_cast<char>(0x80 | payload.size()));
  } else {
    f.push_back(static_cast<char>(0x80 | 126));
    f.push_back(static_cast<char>(payload.size() >> 8));
    f.push_back(static_cast<char>(payload.size() & 0xff));
  }
  const char mask[4] = {0x12, 0x34, 0x56, 0x78};
  f.append(mask, 4);
  for (std::size_t i = 0; i < payload.size(); ++i) f.push_back(static_cast<char>(payload[i] ^ mask[i % 4]));
  return f;
}

std::string close_payload(std::uint16_t code, std::string_view reason = {}) {
  std::string p{static_cast<char>(code >> 8), static_cast<char>(code & 0xff)};
  p += reason;
  return p;
}

class WebSocketTest : public ::testing::Test {
 protected:
  void start(http::websocket_options ws = {}) {
    route_ = std::make_shared<echo_route>(ws);
    http::server_options options;
    options.threads = 1;
    server_ = std::make_unique<http::server>(options);
    server_->mount("/ws", route_);
    server_->start();
  }
  void TearDown() override {
    if (server_) server_->stop();
    if (route_) route_->forget();
    server_.reset();
  }

  // Opens a WebSocket on `c`.
  void upgrade(raw_client& c) {
    ASSERT_TRUE(c.send("GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                       "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"));
    const std::string header = c.read_header();
    ASSERT_TRUE(header.starts_with("HTTP/1.1 101")) << header;
    c.take(header.size());
  }

  // The first server frame (short ones only): its opcode and payload.
  static std::pair<unsigned, std::string> read_frame(raw_client& c) {
    if (!c.read_at_least(2)) return {0xff, {}};
    const auto length = static_cast<std::size_t>(static_cast<unsigned char>(c.input()[1]) & 0x7f);
    if (!c.read_at_least(2 + length)) return {0xff, {}};
    const std::string f = c.take(2 + length);
    return {static_cast<unsigned char>(f[0]) & 0x0f, f.substr(2)};
  }

  // Sends a close with `payload` and returns the code of the server's answer (0: none given).
  std::uint16_t close_answer(std::string_view payload) {
    raw_client c(server_->port());
    upgrade(c);
    EXPECT_TRUE(c.send(client_frame(0x8, payload)));
    const auto [op, body] = read_frame(c);
    EXPECT_EQ(op, 0x8u);
    if (body.size() < 2) return 0;
    return static_cast<std::uint16_t>((static_cast<unsigned char>(body[0]) << 8) | static_cast<unsigned char>(body[1]));
  }

  std::shared_ptr<echo_route> route_;
  std::unique_ptr<http::server> server_;
};

}  // namespace

TEST_F(WebSocketTest, APingFloodFromAPeerThatDoesNotReadKeepsOnePendingPong) {
  start();
  raw_client c(server_->port(), 4096);
  upgrade(c);
  const std::string ping = client_frame(0x9, std::string(125, 'p'));
  std::string burst;
  for (int i = 0; i < 1000; ++i) burst += ping;
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(c.send(burst));  // 50,000 pings, about 6.5 MB of pongs
  EXPECT_TRUE(eventually([&] { return server_->stats().websocket_pongs_replaced > 0; }));
  EXPECT_EQ(route_->closed(), 0);
}

// Both sessions: the project's own frames, and Beast's stream for routes that enable
// permessage-deflate (the client here does not ask for it, so frames are not compressed).
class WebSocketQueueTest : public WebSocketTest, public ::testing::WithParamInterface<bool> {
 protected:
  http::websocket_options options() const {
    http::websocket_options ws;
    ws.per_message_deflate = GetParam();
    return ws;
  }
};
INSTANTIATE_TEST_SUITE_P(Sessions, WebSocketQueueTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "Deflate" : "Raw"; });

TEST_P(WebSocketQueueTest, APeerThatDoesNotReadIsDroppedWhenItsQueueIsFull) {
  http::websocket_options ws = options();
  ws.max_queued_bytes = 1024 * 1024;
  start(ws);
  raw_client c(server_->port(), 4096);
  upgrade(c);
  ASSERT_TRUE(eventually([&] { return route_->channel() != nullptr; }));
  auto channel = route_->channel();
  const auto frame = wire::make_binary_frame(std::string(64 * 1024, 'x'));
  auto failed = std::make_shared<std::atomic<int>>(0);  // handlers may outlive the test body
  for (int i = 0; i < 1000 && route_->closed() == 0; ++i) {
    channel->write({frame}, [failed](bool ok) {
      if (!ok) failed->fetch_add(1);
    });
  }
  EXPECT_TRUE(eventually([&] { return route_->closed() == 1; }));
  EXPECT_EQ(server_->stats().websocket_queue_overflows, 1u);
  EXPECT_TRUE(eventually([&] { return failed->load() > 0; }));
}

// The project's own frames (Beast's stream fragments long messages): writes go out at once while
// the socket takes them, and wait while it does not, so a peer that reads late still gets every
// frame, whole and in order (a partial write resumes where it stopped).
TEST_F(WebSocketTest, APeerThatReadsLateGetsEveryFrameInOrder) {
  http::websocket_options ws;
  ws.max_queued_bytes = 64 * 1024 * 1024;
  start(ws);
  raw_client c(server_->port(), 4096);
  upgrade(c);
  ASSERT_TRUE(eventually([&] { return route_->channel() != nullptr; }));
  constexpr int frames = 300;
  constexpr std::size_t size = 30000;  // a 16-bit length; 9 MB in all, far more than the socket buffers
  auto written = std::make_shared<std::atomic<int>>(0);
  for (int i = 0; i < frames; ++i) {
    route_->channel()->write({wire::make_binary_frame(std::string(size, static_cast<char>('a' + i % 26)))},
                             [written](bool ok) { if (ok) written->fetch_add(1); });
  }
  for (int i = 0; i < frames; ++i) {
    ASSERT_TRUE(c.read_at_least(4));
    ASSERT_EQ(static_cast<unsigned char>(c.input()[0]), 0x82u) << "frame " << i;
    ASSERT_EQ(static_cast<unsigned char>(c.input()[1]), 126u);
    const std::size_t length = (static_cast<unsigned char>(c.input()[2]) << 8) | static_cast<unsigned char>(c.input()[3]);
    ASSERT_EQ(length, size);
    ASSERT_TRUE(c.read_at_least(4 + length));
    const std::string payload = c.take(4 + length).substr(4);
    ASSERT_EQ(payload, std::string(size, static_cast<char>('a' + i % 26))) << "frame " << i;
  }
  EXPECT_TRUE(eventually([&] { return written->load() == frames; }));
  EXPECT_EQ(route_->closed(), 0);
}

// A write that completes at once tells its sender inline; a sender that writes again from there
// (as an Engine.IO session does with what it queued meanwhile) gets each frame out once, in order.
TEST_F(WebSocketTest, WritesFromACompletionGoOutOnceInOrder) {
  start();
  raw_client c(server_->port());
  upgrade(c);
  ASSERT_TRUE(eventually([&] { return route_->channel() != nullptr; }));
  auto channel = route_->channel();
  std::function<void(int)> write_from = [&, channel](int n) {
    channel->write({wire::make_text_frame(wire::eio::packet_type::message, std::string(1, static_cast<char>('a' + n)))}, [&, n](bool ok) {
      if (ok && n < 5) write_from(n + 1);
    });
  };
  write_from(0);
  for (int n = 0; n <= 5; ++n) {
    const auto [op, payload] = read_frame(c);
    ASSERT_EQ(op, 0x1u) << "frame " << n;
    ASSERT_EQ(payload, "4" + std::string(1, static_cast<char>('a' + n)));  // an Engine.IO message
  }
  ASSERT_TRUE(c.send(client_frame(0x9, "end")));  // a ping: its pong comes after anything left
  const auto [op, payload] = read_frame(c);
  EXPECT_EQ(op, 0xAu);
  EXPECT_EQ(payload, "end");
}

TEST_P(WebSocketQueueTest, TooManyQueuedWritesDropThePeerToo) {
  http::websocket_options ws = options();
  ws.max_queued_writes = 4;
  start(ws);
  raw_client c(server_->port(), 4096);
  upgrade(c);
  ASSERT_TRUE(eventually([&] { return route_->channel() != nullptr; }));
  const auto frame = wire::make_binary_frame(std::string(256 * 1024, 'x'));
  for (int i = 0; i < 100 && route_->closed() == 0; ++i) route_->channel()->write({frame}, nullptr);
  EXPECT_TRUE(eventually([&] { return route_->closed() == 1; }));
  EXPECT_EQ(server_->stats().websocket_queue_overflows, 1u);
}

TEST_F(WebSocketTest, AValidCloseIsEchoedWithItsCode) {
  start();
  EXPECT_EQ(close_answer(close_payload(1000)), 1000);
  EXPECT_EQ(close_answer(close_payload(4000, "bye")), 4000);
  EXPECT_EQ(close_answer(close_payload(1001, "caf\xc3\xa9")), 1001);
  EXPECT_EQ(close_answer(""), 0);
}

TEST_F(WebSocketTest, AnInvalidCloseCodeIsAnswered1002) {
  start();
  for (const std::uint16_t code : {0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535}) {
    EXPECT_EQ(close_answer(close_payload(code)), 1002) << code;
  }
  EXPECT_EQ(close_answer("\x03"), 1002);  // a 1-byte payload
}

TEST_F(WebSocketTest, ACloseReasonThatIsNotUtf8IsAnswered1007) {
  start();
  EXPECT_EQ(close_answer(close_payload(1000, "\xff\xfe")), 1007);
}
