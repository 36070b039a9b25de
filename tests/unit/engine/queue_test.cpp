// A client that does not read: its session's queue is bounded in bytes as well as in packets.
#include <gtest/gtest.h>

#include "engine_fixture.hpp"
#include "switchboard/wire/frame.hpp"

namespace {

using namespace engine_test;
namespace eio = switchboard::wire::eio;

constexpr std::size_t max_bytes = 256 * 1024;

sb::engine::options queue_options(sb::engine::overflow_policy policy) {
  sb::engine::options o;
  o.outbound.max_bytes = max_bytes;
  o.outbound.on_overflow = policy;
  return o;
}

struct send_run {
  std::size_t queued = 0;
  std::size_t dropped = 0;
  sb::engine::send_status last = sb::engine::send_status::queued;
  std::uint64_t queued_bytes_seen = 0;  // the server's gauge after the sends
};

// Sends `count` frames of `size` bytes on the session's shard, until one finds it closed.
send_run send_frames(sb::engine::server& engine, const sb::engine::session_ptr& s, std::size_t count, std::size_t size,
                     bool is_volatile = false) {
  return on_shard<send_run>(s, [&engine, s, count, size, is_volatile] {
    const auto frame = sb::wire::make_text_frame(eio::packet_type::message, std::string(size, 'x'));
    send_run run;
    for (std::size_t i = 0; i < count && run.last != sb::engine::send_status::closed; ++i) {
      run.last = s->send(frame, is_volatile);
      if (run.last == sb::engine::send_status::queued) ++run.queued;
      if (run.last == sb::engine::send_status::dropped) ++run.dropped;
    }
    run.queued_bytes_seen = engine.traffic_totals().queued_bytes;
    return run;
  });
}

sb::engine::session_ptr only_session(engine_fixture& f) {
  EXPECT_TRUE(eventually([&] { return f.handler().opened().size() == 1; }));
  return f.handler().opened().at(0).lock();
}

// A WebSocket client that reads the open packet, then no more.
std::unique_ptr<websocket> open_silent_websocket(boost::asio::io_context& ioc, engine_fixture& f) {
  auto ws = open_websocket(ioc, f.port(), "/engine.io/?EIO=4&transport=websocket");
  boost::beast::flat_buffer open;
  const watchdog guard(ws->next_layer());
  ws->read(open);
  return ws;
}

TEST(OutboundQueue, NonReadingWebSocketClientIsClosedOnBytes) {
  engine_fixture f(queue_options(sb::engine::overflow_policy::close));
  boost::asio::io_context ioc;
  const auto ws = open_silent_websocket(ioc, f);
  auto s = only_session(f);
  ASSERT_TRUE(s);

  const send_run run = send_frames(f.engine(), s, 200, 64 * 1024);
  EXPECT_EQ(run.last, sb::engine::send_status::closed);
  // What the kernel took at once (its socket buffers), what fits in the queue, then the close.
  EXPECT_LT(run.queued, 200u);
  ASSERT_TRUE(eventually([&] { return f.handler().closes().size() == 1; }));
  EXPECT_EQ(f.handler().closes().at(0).reason, "queue overflow");
  const auto traffic = f.engine().traffic_totals();
  EXPECT_EQ(traffic.overflows, 1u);
  EXPECT_EQ(traffic.byte_overflows, 1u);
  EXPECT_EQ(traffic.queued_bytes, 0u);
  EXPECT_EQ(f.engine().session_count(), 0u);
}

// A WebSocket takes volatile frames while its socket takes them at once; once the kernel holds
// all it will and a write waits, the next ones are dropped, and nothing waits in the queue.
TEST(OutboundQueue, VolatileFramesGoWhileTheSocketTakesThemAndAreDroppedOnceAWriteWaits) {
  engine_fixture f(queue_options(sb::engine::overflow_policy::close));
  boost::asio::io_context ioc;
  const auto ws = open_silent_websocket(ioc, f);
  auto s = only_session(f);
  ASSERT_TRUE(s);

  const send_run run = send_frames(f.engine(), s, 1000, 64 * 1024, true);  // 64 MB: far more than the socket holds
  EXPECT_GT(run.queued, 0u);
  EXPECT_GT(run.dropped, 0u);
  EXPECT_EQ(run.queued + run.dropped, 1000u);
  EXPECT_EQ(run.queued_bytes_seen, 0u);  // handed to the socket, or dropped: none queued
  EXPECT_TRUE(s->is_open());
  EXPECT_EQ(f.engine().traffic_totals().dropped, run.dropped);
  on_shard<int>(s, [s] {
    s->close();
    return 0;
  });
}

TEST(OutboundQueue, NonPollingClientDropsOverTheBytesLimitAndStaysOpen) {
  engine_fixture f(queue_options(sb::engine::overflow_policy::drop));
  const std::string sid = open_polling(f.port());
  ASSERT_FALSE(sid.empty());
  auto s = only_session(f);
  ASSERT_TRUE(s);

  const send_run run = send_frames(f.engine(), s, 200, 64 * 1024);
  EXPECT_EQ(run.queued, 3u);  // 3 x (64 KiB + 1) fit in 256 KiB, the 4th does not
  EXPECT_EQ(run.dropped, 197u);
  EXPECT_LE(run.queued_bytes_seen, max_bytes);
  EXPECT_GT(run.queued_bytes_seen, 0u);
  EXPECT_TRUE(s->is_open());
  auto traffic = f.engine().traffic_totals();
  EXPECT_EQ(traffic.byte_overflows, 197u);
  EXPECT_EQ(traffic.dropped, 197u);

  // The next GET takes the queue; then one frame larger than the limit still goes alone.
  const auto polled = request(f.port(), "GET", "/engine.io/?EIO=4&transport=polling&sid=" + sid);
  EXPECT_EQ(polled.status, 200u);
  EXPECT_EQ(polled.body.size(), 3 * (64 * 1024 + 1) + 2);
  EXPECT_EQ(f.engine().traffic_totals().queued_bytes, 0u);
  const send_run big = send_frames(f.engine(), s, 1, 2 * max_bytes);
  EXPECT_EQ(big.queued, 1u);
  EXPECT_EQ(big.queued_bytes_seen, 2 * max_bytes + 1);
  EXPECT_EQ(send_frames(f.engine(), s, 1, 10).dropped, 1u);
  on_shard<int>(s, [s] {
    s->close();
    return 0;
  });
}

TEST(OutboundQueue, PacketLimitStillHolds) {
  auto o = queue_options(sb::engine::overflow_policy::drop);
  o.outbound.max_packets = 5;
  engine_fixture f(o);
  ASSERT_FALSE(open_polling(f.port()).empty());
  auto s = only_session(f);
  const send_run run = send_frames(f.engine(), s, 20, 10);
  EXPECT_EQ(run.queued, 5u);
  EXPECT_EQ(run.dropped, 15u);
  EXPECT_EQ(f.engine().traffic_totals().byte_overflows, 0u);
  EXPECT_EQ(f.engine().traffic_totals().overflows, 15u);
}

}  // namespace
