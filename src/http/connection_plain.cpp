#include "connection.hpp"
#include "connection_start.hpp"

namespace switchboard::http::detail {

void start_plain_connection(boost::asio::ip::tcp::socket socket, connection_start start) {
  std::make_shared<connection<plain_stream>>(start.routes, start.options, start.shard, start.remote,
                                             std::move(start.slot), std::move(socket))
      ->run();
}

}  // namespace switchboard::http::detail
