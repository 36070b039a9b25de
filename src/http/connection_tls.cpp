#include <boost/beast/websocket/ssl.hpp>

#include "connection.hpp"
#include "connection_start.hpp"

namespace switchboard::http::detail {

void start_tls_connection(boost::asio::ip::tcp::socket socket, boost::asio::ssl::context& tls, connection_start start) {
  std::make_shared<connection<tls_stream>>(start.routes, start.options, start.shard, start.remote,
                                           std::move(start.slot), std::move(socket), tls)
      ->run();
}

}  // namespace switchboard::http::detail
