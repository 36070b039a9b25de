#pragma once
// Starts an accepted connection on its shard. Plain and TLS connections are compiled apart.
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <cstddef>

#include "connection_limits.hpp"
#include "router.hpp"
#include "switchboard/http/server.hpp"

namespace switchboard::http::detail {

struct connection_start {
  const router& routes;
  const server_options& options;
  std::size_t shard;
  boost::asio::ip::tcp::endpoint remote;
  connection_slot_ptr slot;
};

void start_plain_connection(boost::asio::ip::tcp::socket socket, connection_start start);
void start_tls_connection(boost::asio::ip::tcp::socket socket, boost::asio::ssl::context& tls, connection_start start);

}  // namespace switchboard::http::detail
