#pragma once
// What a simulated Socket.IO client does with each Engine.IO packet, whatever the transport.
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "stats.hpp"

namespace switchboard::bench {

// How the load generator triggers emits: switchboard and the reference share the REST emit
// route; the floor takes pre-encoded packets.
enum class server_kind { switchboard, reference, floor };

struct target {
  boost::asio::ip::tcp::endpoint endpoint;
  server_kind kind = server_kind::switchboard;
  std::size_t sources = 1;  // loopback source addresses to spread connections over
};

enum class next_step { nothing, send_connect, send_pong, connected, refused, closed };

// Counts events and their latency (from the "t" they carry) in `stats`.
next_step on_engineio_packet(std::string_view packet, fleet_stats& stats);

// The CONNECT packet to the main namespace with the token in its auth payload.
std::string connect_packet(std::string_view token);

}  // namespace switchboard::bench
