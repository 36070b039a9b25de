// Listen addresses: several on one port, IPv6 dual stack, and routes that may not be mounted twice.
#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <stdexcept>
#include <string>

#include "server_fixture.hpp"

namespace http = switchboard::http;
using http::test::ServerTest;

namespace {

// The status line of a GET to `address`:`port`, or what went wrong.
std::string status_line(const std::string& address, std::uint16_t port) {
  boost::asio::ip::tcp::iostream stream;
  stream.expires_after(std::chrono::seconds(10));
  stream.connect(boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address(address), port));
  if (!stream) return "cannot connect: " + stream.error().message();
  stream << "GET /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" << std::flush;
  std::string line;
  std::getline(stream, line);
  return line;
}

TEST_F(ServerTest, ListensOnEveryAddressOnOnePort) {
  start({.address = "127.0.0.1", .port = 0, .more_addresses = {"::1"}});
  EXPECT_EQ(status_line("127.0.0.1", port()), "HTTP/1.1 200 OK\r");
  EXPECT_EQ(status_line("::1", port()), "HTTP/1.1 200 OK\r");
}

TEST_F(ServerTest, TheIPv6AnyAddressTakesIPv4ClientsToo) {
  start({.address = "::", .port = 0});
  EXPECT_EQ(status_line("::1", port()), "HTTP/1.1 200 OK\r");
  EXPECT_EQ(status_line("127.0.0.1", port()), "HTTP/1.1 200 OK\r");
}

TEST_F(ServerTest, AnAddressThatCannotBeBoundFailsTheStart) {
  EXPECT_THROW(start({.address = "127.0.0.1", .port = 0, .more_addresses = {"not an address"}}), std::exception);
}

TEST(Mount, APrefixMountedTwiceIsRefused) {
  http::server server({});
  auto route = std::make_shared<http::test::hello_route>();
  server.mount("/a/", route);
  EXPECT_THROW(server.mount("/a/", route), std::logic_error);
  server.mount("/a/b/", route);  // a longer prefix is another route
}

}  // namespace
