#include "switchboard/http/peer_address.hpp"

#include <gtest/gtest.h>

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
