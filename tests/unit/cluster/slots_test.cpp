// Redis Cluster without I/O: slots against the specification's CRC16 test vector and slots
// redis-server 7 computes (CLUSTER KEYSLOT), a topology read from a recorded CLUSTER SHARDS
// reply, and MOVED / ASK redirections.
#include "slots.hpp"

#include <gtest/gtest.h>

using switchboard::cluster::redis_reply;
using namespace switchboard::cluster::detail;

namespace {

TEST(Slots, Crc16IsXmodem) {
  EXPECT_EQ(crc16("123456789"), 0x31C3);  // the specification's test vector
  EXPECT_EQ(crc16(""), 0);
}

TEST(Slots, KeySlotsAsRedisComputesThem) {
  // CLUSTER KEYSLOT on redis-server 7.0.15.
  EXPECT_EQ(key_slot("foo"), 12182);
  EXPECT_EQ(key_slot("hello"), 866);
  EXPECT_EQ(key_slot("socket.io#/#"), 13868);
  EXPECT_EQ(key_slot("{user1000}.following"), 3443);
  EXPECT_EQ(key_slot("{user1000}.followers"), 3443);
  EXPECT_EQ(key_slot("{user1000}.following"), key_slot("user1000"));
  // An empty tag, or none closed, hashes the whole key.
  EXPECT_EQ(key_slot("foo{}{bar}"), crc16("foo{}{bar}") % slot_count);
  EXPECT_EQ(key_slot("foo{bar"), crc16("foo{bar") % slot_count);
  EXPECT_EQ(key_slot("foo{{bar}}zap"), key_slot("{bar"));  // the first '{' to the next '}'
}

redis_reply string(std::string s) { return {redis_reply::kind::string, std::move(s), 0, {}}; }
redis_reply integer(long long n) { return {redis_reply::kind::integer, "", n, {}}; }
redis_reply array(std::vector<redis_reply> items) { return {redis_reply::kind::array, "", 0, std::move(items)}; }

redis_reply node(std::string role, long long port, std::string health = "online") {
  return array({string("id"), string("abc"), string("port"), integer(port), string("ip"), string("127.0.0.1"),
                string("endpoint"), string("127.0.0.1"), string("role"), string(std::move(role)),
                string("replication-offset"), integer(0), string("health"), string(std::move(health))});
}

redis_reply shard(std::vector<long long> ranges, std::vector<redis_reply> nodes) {
  std::vector<redis_reply> slots;
  for (const auto n : ranges) slots.push_back(integer(n));
  return array({string("slots"), array(std::move(slots)), string("nodes"), array(std::move(nodes))});
}

TEST(Slots, TopologyFromClusterShards) {
  const auto reply = array({shard({10923, 16383}, {node("replica", 7106), node("master", 7103)}),
                            shard({5461, 10922}, {node("master", 7102), node("replica", 7105)}),
                            shard({0, 100, 200, 5460}, {node("master", 7101)})});
  std::string error;
  const auto t = topology::from_cluster_shards(reply, error);
  ASSERT_TRUE(t) << error;
  ASSERT_EQ(t->masters().size(), 3u);
  EXPECT_EQ(*t->master_of(key_slot("foo")), (node_address{"127.0.0.1", 7103}));
  EXPECT_EQ(*t->master_of(key_slot("hello")), (node_address{"127.0.0.1", 7101}));
  EXPECT_EQ(t->master_of(150), nullptr);  // a hole: 101-199 has no master
  EXPECT_FALSE(t->covers_every_slot());
}

TEST(Slots, AFailedMasterLeavesItsSlotsWithoutOwner) {
  const auto reply = array({shard({0, 8191}, {node("master", 7101, "fail"), node("replica", 7104)}),
                            shard({8192, 16383}, {node("master", 7102)})});
  std::string error;
  const auto t = topology::from_cluster_shards(reply, error);
  ASSERT_TRUE(t) << error;
  EXPECT_EQ(t->master_of(0), nullptr);
  EXPECT_EQ(t->master_of(16383)->port, 7102);
}

TEST(Slots, RefusesOtherShapes) {
  std::string error;
  EXPECT_FALSE(topology::from_cluster_shards({redis_reply::kind::error, "ERR This instance has cluster support disabled", 0, {}}, error));
  EXPECT_NE(error.find("cluster support disabled"), std::string::npos);
  EXPECT_FALSE(topology::from_cluster_shards(array({array({string("slots")})}), error));
  EXPECT_FALSE(topology::from_cluster_shards(array({shard({5, 16384}, {node("master", 1)})}), error));
  EXPECT_FALSE(topology::from_cluster_shards(array({shard({9, 3}, {node("master", 1)})}), error));
  EXPECT_FALSE(topology::from_cluster_shards(array({shard({1}, {node("master", 1)})}), error));
}

TEST(Slots, Redirections) {
  auto moved = parse_redirection("MOVED 3999 127.0.0.1:6381");
  ASSERT_TRUE(moved);
  EXPECT_FALSE(moved->ask);
  EXPECT_EQ(moved->slot, 3999);
  EXPECT_EQ(moved->to, (node_address{"127.0.0.1", 6381}));
  auto ask = parse_redirection("ASK 12182 ::1:7003");
  ASSERT_TRUE(ask);
  EXPECT_TRUE(ask->ask);
  EXPECT_EQ(ask->to, (node_address{"::1", 7003}));
  auto same_host = parse_redirection("MOVED 1 :7000");
  ASSERT_TRUE(same_host);
  EXPECT_EQ(same_host->to.host, "");
  for (const char* bad : {"ERR wrong", "MOVED", "MOVED 16384 h:1", "MOVED x h:1", "MOVED 1 h:0", "MOVED 1 h:99999",
                          "MOVED 1 h", "ASK 1 h:1x"}) {
    EXPECT_FALSE(parse_redirection(bad)) << bad;
  }
}

}  // namespace
