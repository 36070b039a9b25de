// Graceful shutdown through the public API, as an application does it: sio::server::close with a
// drain, against a polling client that waits for its next packet when the server stops.
#include <gtest/gtest.h>

#include <future>

#include "../engine/engine_fixture.hpp"
#include "switchboard/http/server.hpp"
#include "switchboard/sio/server.hpp"

namespace switchboard::sio {
namespace {

using engine_test::eventually;
using engine_test::request;

std::string session_id(const std::string& open_packet) {
  const auto start = open_packet.find("\"sid\":\"");
  if (start == std::string::npos) return {};
  return open_packet.substr(start + 7, open_packet.find('"', start + 7) - start - 7);
}

TEST(sio_shutdown, close_with_a_drain_answers_the_waiting_poll_before_the_server_stops) {
  http::server http({.address = "127.0.0.1", .port = 0, .threads = 2});
  auto io = server::attach(http, {});
  http.start();
  const std::uint16_t port = http.port();
  const std::string sid = session_id(request(port, "GET", "/socket.io/?EIO=4&transport=polling").body);
  ASSERT_FALSE(sid.empty());
  auto poll = std::async(std::launch::async, [port, sid] {
    return request(port, "GET", "/socket.io/?EIO=4&transport=polling&sid=" + sid);
  });
  ASSERT_TRUE(eventually([&] { return io->engine().waiting_polls() == 1; }));

  EXPECT_EQ(io->close(std::chrono::seconds(10)), 0u);
  http.stop();
  const auto answer = poll.get();
  EXPECT_EQ(answer.status, 200u);
  EXPECT_EQ(answer.body, "1");  // the close packet, not a connection cut by the stop
}

TEST(sio_shutdown, a_polling_client_that_does_not_come_within_the_drain_loses_its_close_packet) {
  http::server http({.address = "127.0.0.1", .port = 0, .threads = 1});
  auto io = server::attach(http, {});
  http.start();
  const std::string sid = session_id(request(http.port(), "GET", "/socket.io/?EIO=4&transport=polling").body);
  ASSERT_FALSE(sid.empty());
  // No request waiting: the session ends when the drain runs out, and nothing is left to leak.
  EXPECT_EQ(io->close(std::chrono::milliseconds(0)), 0u);
  const auto late = request(http.port(), "GET", "/socket.io/?EIO=4&transport=polling&sid=" + sid);
  EXPECT_EQ(late.status, 400u);
  EXPECT_EQ(late.body, R"({"code":1,"message":"Session ID unknown"})");
  http.stop();
}

TEST(sio_shutdown, close_with_a_drain_without_an_engine_does_nothing) {
  http::shard_pool shards(1);
  server io(shards, {});
  EXPECT_EQ(io.close(std::chrono::seconds(1)), 0u);
  io.close();
}

}  // namespace
}  // namespace switchboard::sio
