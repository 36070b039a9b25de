// The directory of a cluster's nodes in Redis (long-polling without sticky sessions): a node
// advertises its address under `<key>:node:<id>` with a TTL, the others find it, and a node that
// withdrew (or whose record expired) is gone. Over both protocols' connections.
#include <gtest/gtest.h>

#include "redis_adapter_fixture.hpp"

namespace switchboard::test {
namespace {

using tcp = asio::ip::tcp;

tcp::endpoint loopback(std::uint16_t port) { return {asio::ip::make_address("127.0.0.1"), port}; }

// locate(), waited for.
std::optional<tcp::endpoint> locate(cluster::node_directory& directory, const std::string& id) {
  auto promise = std::make_shared<std::promise<std::optional<tcp::endpoint>>>();
  auto future = promise->get_future();
  directory.locate(id, [promise](std::optional<tcp::endpoint> at) { promise->set_value(at); });
  if (future.wait_for(10s) != std::future_status::ready) throw std::runtime_error("locate: no answer");
  return future.get();
}

class NodeDirectory : public RedisAdapter, public ::testing::WithParamInterface<cluster::adapter_protocol> {
 protected:
  test_node make(cluster::node_directory_options directory = {}) {
    cluster::redis_adapter_options options;
    options.protocol = GetParam();
    auto n = make_node("/", options);
    directories_.push_back(n.cluster->directory(directory));
    return n;
  }
  std::vector<std::shared_ptr<cluster::node_directory>> directories_;
};

TEST_P(NodeDirectory, AnAdvertisedNodeIsFoundByTheOthers) {
  auto a = make();
  auto b = make();
  auto& mine = *a.cluster->directory();
  EXPECT_EQ(mine.node_id().size(), 8u);
  EXPECT_NE(mine.node_id(), b.cluster->directory()->node_id());
  EXPECT_EQ(a.cluster->directory(), a.cluster->directory());  // one per cluster member
  mine.advertise(loopback(4567));
  const std::string key = "socket.io:node:" + mine.node_id();
  ASSERT_TRUE(eventually([&] { return command({"GET", key}).str == "127.0.0.1:4567"; }));
  const long long ttl = command({"PTTL", key}).integer;
  EXPECT_GT(ttl, 0);
  EXPECT_LE(ttl, 15'000);
  EXPECT_EQ(locate(*b.cluster->directory(), mine.node_id()), std::optional<tcp::endpoint>(loopback(4567)));
  EXPECT_EQ(b.cluster->directory()->stats().lookups, 1u);
}

TEST_P(NodeDirectory, AWithdrawnNodeIsGone) {
  auto a = make();
  auto b = make({.cache_for = 0ms});
  auto& mine = *a.cluster->directory();
  mine.advertise(loopback(4567));
  const std::string key = "socket.io:node:" + mine.node_id();
  ASSERT_TRUE(eventually([&] { return command({"EXISTS", key}).integer == 1; }));
  mine.withdraw();
  ASSERT_TRUE(eventually([&] { return command({"EXISTS", key}).integer == 0; }));
  EXPECT_EQ(locate(*b.cluster->directory(), mine.node_id()), std::optional<tcp::endpoint>());
}

TEST_P(NodeDirectory, TheHeartbeatKeepsTheRecordPastItsTtl) {
  auto a = make({.ttl = 600ms, .heartbeat = 100ms});
  auto& mine = *a.cluster->directory();
  mine.advertise(loopback(4567));
  const std::string key = "socket.io:node:" + mine.node_id();
  ASSERT_TRUE(eventually([&] { return command({"EXISTS", key}).integer == 1; }));
  // Without the heartbeat the record would be gone after 600 ms.
  const auto deadline = std::chrono::steady_clock::now() + 1500ms;
  while (std::chrono::steady_clock::now() < deadline) {
    ASSERT_EQ(command({"EXISTS", key}).integer, 1) << "the record expired while the node lives";
    std::this_thread::sleep_for(50ms);
  }
}

TEST_P(NodeDirectory, AnUnknownNodeIsGoneAndSoIsEveryNodeWhileRedisIsDown) {
  auto b = make();
  ASSERT_TRUE(eventually([&] { return b.cluster->stats().connected; }));
  EXPECT_EQ(locate(*b.cluster->directory(), "nosuchnode"), std::optional<tcp::endpoint>());
  b.cluster->close();
  EXPECT_EQ(locate(*b.cluster->directory(), "othernode"), std::optional<tcp::endpoint>());
  EXPECT_EQ(b.cluster->directory()->stats().lookup_errors, 1u);
}

INSTANTIATE_TEST_SUITE_P(Protocols, NodeDirectory,
                         ::testing::Values(cluster::adapter_protocol::classic, cluster::adapter_protocol::sharded),
                         [](const auto& info) {
                           return info.param == cluster::adapter_protocol::classic ? "Classic" : "Sharded";
                         });

TEST(NodeAddresses, ReadAndWritten) {
  EXPECT_EQ(cluster::parse_node_address("10.0.0.5:3000"), std::optional<tcp::endpoint>(
                                                               tcp::endpoint(asio::ip::make_address("10.0.0.5"), 3000)));
  const tcp::endpoint v6(asio::ip::make_address("::1"), 443);
  EXPECT_EQ(cluster::format_node_address(v6), "[::1]:443");
  EXPECT_EQ(cluster::parse_node_address("[::1]:443"), std::optional<tcp::endpoint>(v6));
  for (const char* bad : {"", "10.0.0.5", "10.0.0.5:", "10.0.0.5:0", "10.0.0.5:65536", "host:80", "10.0.0.5:80x",
                          "[::1:80", ":80"}) {
    EXPECT_FALSE(cluster::parse_node_address(bad)) << bad;
  }
}

}  // namespace
}  // namespace switchboard::test
