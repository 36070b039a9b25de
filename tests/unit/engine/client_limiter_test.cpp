// Per-address session counts, the handshake token bucket, and which address is the client's.
#include <gtest/gtest.h>

#include "client_limiter.hpp"

namespace {

namespace sb = switchboard;
using sb::engine::detail::client_limiter;
using verdict = client_limiter::verdict;
using namespace std::chrono_literals;

const auto a = boost::asio::ip::make_address("203.0.113.7");
const auto b = boost::asio::ip::make_address("2001:db8::1");

TEST(ClientLimiter, CountsSessionsPerAddress) {
  client_limiter limiter({.max_sessions_per_address = 2, .handshakes_per_second = 0});
  const auto now = client_limiter::clock::now();
  EXPECT_EQ(limiter.admit(a, now), verdict::admitted);
  EXPECT_EQ(limiter.admit(a, now), verdict::admitted);
  EXPECT_EQ(limiter.admit(a, now), verdict::too_many_sessions);
  EXPECT_EQ(limiter.admit(b, now), verdict::admitted);
  limiter.release(a);
  EXPECT_EQ(limiter.admit(a, now), verdict::admitted);
}

TEST(ClientLimiter, RefillsHandshakeTokensOverTime) {
  client_limiter limiter({.max_sessions_per_address = 0, .handshakes_per_second = 10, .handshake_burst = 3});
  const auto start = client_limiter::clock::now();
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limiter.admit(a, start), verdict::admitted);
  EXPECT_EQ(limiter.admit(a, start), verdict::rate_limited);
  EXPECT_EQ(limiter.admit(b, start), verdict::admitted);
  EXPECT_EQ(limiter.admit(a, start + 100ms), verdict::admitted);  // one token back
  EXPECT_EQ(limiter.admit(a, start + 100ms), verdict::rate_limited);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limiter.admit(a, start + 10s), verdict::admitted);  // full, not more
  EXPECT_EQ(limiter.admit(a, start + 10s), verdict::rate_limited);
}

TEST(ClientLimiter, ExemptsLoopbackUnlessAsked) {
  const auto loopback = boost::asio::ip::make_address("127.0.0.1");
  client_limiter exempt({.max_sessions_per_address = 1});
  const auto now = client_limiter::clock::now();
  EXPECT_EQ(exempt.admit(loopback, now), verdict::admitted);
  EXPECT_EQ(exempt.admit(loopback, now), verdict::admitted);
  client_limiter strict({.max_sessions_per_address = 1, .exempt_loopback = false});
  EXPECT_EQ(strict.admit(loopback, now), verdict::admitted);
  EXPECT_EQ(strict.admit(loopback, now), verdict::too_many_sessions);
}

TEST(ClientLimiter, ExemptsTheNetworksItIsGiven) {
  client_limiter limiter({.max_sessions_per_address = 1,
                          .exempt_addresses = sb::http::address_ranges::parse({"10.0.0.0/24"})});
  const auto now = client_limiter::clock::now();
  const auto node = boost::asio::ip::make_address("10.0.0.5");
  const auto other = boost::asio::ip::make_address("10.0.1.5");
  EXPECT_EQ(limiter.admit(node, now), verdict::admitted);
  EXPECT_EQ(limiter.admit(node, now), verdict::admitted);
  EXPECT_EQ(limiter.admit(other, now), verdict::admitted);
  EXPECT_EQ(limiter.admit(other, now), verdict::too_many_sessions);
}

TEST(ClientLimiter, ForgetsIdleAddresses) {
  client_limiter limiter({.max_sessions_per_address = 1, .handshakes_per_second = 1000, .handshake_burst = 1});
  const auto start = client_limiter::clock::now();
  // Many addresses, each released at once: the limiter keeps working and admits them again later.
  for (std::uint32_t i = 0; i < 20'000; ++i) {
    const boost::asio::ip::address_v4 address(0x0A000000u + i);
    ASSERT_EQ(limiter.admit(address, start), verdict::admitted);
    limiter.release(address);
  }
  EXPECT_EQ(limiter.admit(boost::asio::ip::address_v4(0x0A000000u), start + 1s), verdict::admitted);
}

sb::http::request with_forwarded(std::initializer_list<std::string> values) {
  sb::http::request req;
  for (const auto& v : values) req.insert("X-Forwarded-For", v);
  return req;
}

TEST(ClientAddress, IsThePeerUnlessTheProxyIsTrusted) {
  const boost::asio::ip::tcp::endpoint peer(boost::asio::ip::make_address("10.0.0.2"), 5000);
  const auto req = with_forwarded({"198.51.100.1, 203.0.113.7"});
  EXPECT_EQ(sb::engine::detail::client_address(req, peer, false), peer.address());
  EXPECT_EQ(sb::engine::detail::client_address(req, peer, true), a);
}

TEST(ClientAddress, TakesTheLastEntryOfTheLastFieldAndFallsBackToThePeer) {
  const boost::asio::ip::tcp::endpoint peer(boost::asio::ip::make_address("10.0.0.2"), 5000);
  EXPECT_EQ(sb::engine::detail::client_address(with_forwarded({"1.1.1.1", " 2001:db8::1 "}), peer, true), b);
  EXPECT_EQ(sb::engine::detail::client_address(with_forwarded({"1.1.1.1, not-an-ip"}), peer, true), peer.address());
  EXPECT_EQ(sb::engine::detail::client_address(with_forwarded({}), peer, true), peer.address());
  EXPECT_EQ(sb::engine::detail::client_address(with_forwarded({"1.1.1.1,"}), peer, true), peer.address());
}

}  // namespace
