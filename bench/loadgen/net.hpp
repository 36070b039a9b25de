#pragma once
// Sockets for a load generator: many connections from one process need more file descriptors
// than the default limit and more source ports than one address has.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstddef>

namespace switchboard::bench {

// Raises the soft open-file limit to the hard one and returns it.
std::size_t raise_file_limit();

// Connects from 127.0.0.<1 + source % sources>; the port is chosen per destination
// (IP_BIND_ADDRESS_NO_PORT), so every source address has its own ~28,000 ephemeral ports.
boost::asio::awaitable<boost::asio::ip::tcp::socket> connect_from(std::size_t source, std::size_t sources,
                                                                  boost::asio::ip::tcp::endpoint server);

}  // namespace switchboard::bench
