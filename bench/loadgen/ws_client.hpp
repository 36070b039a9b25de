#pragma once
// A minimal Socket.IO client over WebSocket, cheap enough that one core can drive tens of
// thousands of them: one coroutine per connection, reads drained into a shared scratch buffer
// after readiness, only the unfinished frame kept per connection.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <optional>
#include <string>

#include "client_protocol.hpp"

namespace switchboard::bench {

struct ws_client_options {
  std::string token;
  std::string user;                   // in the query for the floor, which reads no token
  bool close_when_connected = false;  // the connect scenario
};

// Runs one client until it is closed or `stop` is set; counts into `stats`.
boost::asio::awaitable<void> run_ws_client(const target& server, std::size_t index, ws_client_options options,
                                           fleet_stats& stats, const bool& stop);

// A server-to-client frame at the front of `bytes`, or nullopt until it is complete.
struct frame_view {
  int opcode = 0;
  bool fin = true;
  std::string_view payload;
  std::size_t size = 0;  // header and payload
};
std::optional<frame_view> parse_server_frame(std::string_view bytes);

// A masked client frame, as RFC 6455 requires of clients.
std::string client_frame(std::string_view payload, int opcode = 1);

}  // namespace switchboard::bench
