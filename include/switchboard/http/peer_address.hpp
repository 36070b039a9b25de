#pragma once
/// @file
/// A peer's address as the per-address limits see it, in one place for the http and engine layers.
#include <boost/asio/ip/address.hpp>

namespace switchboard::http {

/// The address the per-address limits count. An IPv4 peer of a dual-stack socket
/// (\::ffff:a.b.c.d) is that IPv4 address; others are unchanged.
boost::asio::ip::address canonical_address(const boost::asio::ip::address& address) noexcept;

/// Whether `address` is a loopback address: 127.0.0.0/8 and ::1, whichever family the socket
/// reports the peer in.
bool is_loopback(const boost::asio::ip::address& address) noexcept;

}  // namespace switchboard::http
