#pragma once
// A Socket.IO client over HTTP long-polling: one connection holds the pending GET, a second
// one carries the client's packets (CONNECT, pongs), as browsers do.
#include <boost/asio/awaitable.hpp>
#include <string>

#include "client_protocol.hpp"

namespace switchboard::bench {

boost::asio::awaitable<void> run_polling_client(const target& server, std::size_t index, std::string token,
                                                fleet_stats& stats, const bool& stop);

}  // namespace switchboard::bench
