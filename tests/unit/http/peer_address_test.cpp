#include "switchboard/http/peer_address.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "connection_limits.hpp"

namespace http = switchboard::http;
using boost::asio::ip::make_address;

TEST(PeerAddress, AnIpv4PeerOfADualStackSocketIsItsIpv4Address) {
  EXPECT_EQ(http::canonical_address(make_address("::ffff:192.0.2.7")), make_address("192.0.2.7"));
  EXPECT_EQ(http::canonical_address(make_address("192.0.2.7")), make_address("192.0.2.7"));
  EXPECT_EQ(http::canonical_address(make_address("2001:db8::7")), make_address("2001:db8::7"));
}

TEST(PeerAddress, LoopbackIsRecognisedInEitherFamily) {
  EXPECT_TRUE(http::is_loopback(make_address("127.0.0.1")));
  EXPECT_TRUE(http::is_loopback(make_address("127.8.9.10")));
  EXPECT_TRUE(http::is_loopback(make_address("::1")));
  EXPECT_TRUE(http::is_loopback(make_address("::ffff:127.0.0.2")));
  EXPECT_FALSE(http::is_loopback(make_address("::ffff:192.0.2.7")));
  EXPECT_FALSE(http::is_loopback(make_address("10.0.0.1")));
  EXPECT_FALSE(http::is_loopback(make_address("::")));
}

TEST(PeerAddress, RangesHoldNetworksAndSingleAddressesOfEitherFamily) {
  const auto ranges = http::address_ranges::parse({"10.0.0.0/24", "192.0.2.7", "fd00::/8", "2001:db8::1"});
  EXPECT_TRUE(ranges.contains(make_address("10.0.0.0")));
  EXPECT_TRUE(ranges.contains(make_address("10.0.0.255")));
  EXPECT_FALSE(ranges.contains(make_address("10.0.1.0")));
  EXPECT_TRUE(ranges.contains(make_address("192.0.2.7")));
  EXPECT_FALSE(ranges.contains(make_address("192.0.2.8")));
  EXPECT_TRUE(ranges.contains(make_address("::ffff:10.0.0.9"))) << "an IPv4 peer of a dual-stack socket";
  EXPECT_TRUE(ranges.contains(make_address("fdab::1")));
  EXPECT_FALSE(ranges.contains(make_address("fe80::1")));
  EXPECT_TRUE(ranges.contains(make_address("2001:db8::1")));
  EXPECT_FALSE(ranges.contains(make_address("2001:db8::2")));
  EXPECT_FALSE(ranges.empty());
  EXPECT_TRUE(http::address_ranges::parse({}).empty());
  EXPECT_FALSE(http::address_ranges::parse({}).contains(make_address("10.0.0.1")));
  // A network written with host bits set is that network.
  EXPECT_TRUE(http::address_ranges::parse({"10.1.2.3/16"}).contains(make_address("10.1.200.1")));
}

TEST(PeerAddress, RangesRefuseWhatIsNeitherAnAddressNorANetwork) {
  for (const std::string bad : {"", "10.0.0.0/33", "10.0.0", "fd00::/129", "example.com", "10.0.0.0/", "/8"}) {
    try {
      (void)http::address_ranges::parse({"10.0.0.0/8", bad});
      ADD_FAILURE() << bad << " was taken";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("\"" + bad + "\""), std::string::npos) << e.what();
    }
  }
}

TEST(PeerAddress, ConnectionLimitsDoNotCountExemptNetworksPerAddress) {
  http::detail::connection_limits limits(100, 1, 100, true, http::address_ranges::parse({"10.0.0.0/24"}));
  using refusal = http::detail::connection_limits::refusal;
  const auto node = make_address("10.0.0.5");
  const auto client = make_address("192.0.2.7");
  for (int i = 0; i < 5; ++i) EXPECT_EQ(limits.admit(node), refusal::none);
  EXPECT_EQ(limits.admit(client), refusal::none);
  EXPECT_EQ(limits.admit(client), refusal::per_ip);
}
