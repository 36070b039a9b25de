#pragma once
/// @file
/// A peer's address as the per-address limits see it, in one place for the http and engine layers.
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>
#include <string>
#include <vector>

namespace switchboard::http {

/// The address the per-address limits count. An IPv4 peer of a dual-stack socket
/// (\::ffff:a.b.c.d) is that IPv4 address; others are unchanged.
boost::asio::ip::address canonical_address(const boost::asio::ip::address& address) noexcept;

/// Whether `address` is a loopback address: 127.0.0.0/8 and ::1, whichever family the socket
/// reports the peer in.
bool is_loopback(const boost::asio::ip::address& address) noexcept;

/// Networks whose peers the per-address limits do not count: the other nodes of a cluster, which
/// relay many clients' requests over their own connections, or a proxy that hides its clients.
/// @code
/// options.exempt_addresses = http::address_ranges::parse({"10.0.0.0/8", "fd00::/8", "192.0.2.7"});
/// @endcode
class address_ranges {
 public:
  /// Each entry a network in CIDR notation or one address. Throws std::invalid_argument naming
  /// the first entry that is neither.
  static address_ranges parse(const std::vector<std::string>& entries);
  /// Whether `address` (an IPv4-mapped IPv6 address as its IPv4 one) is in one of the networks.
  bool contains(const boost::asio::ip::address& address) const noexcept;
  /// Whether no network was given.
  bool empty() const noexcept { return v4_.empty() && v6_.empty(); }

 private:
  std::vector<boost::asio::ip::network_v4> v4_;
  std::vector<boost::asio::ip::network_v6> v6_;
};

}  // namespace switchboard::http
