#pragma once
// Packets the server builds, and ids it gives.
#include <string>
#include <string_view>

#include "switchboard/sio/arguments.hpp"
#include "switchboard/wire/socketio.hpp"

namespace switchboard::sio::detail {

// An EVENT packet: [event, ...args] with the arguments' binaries as attachments.
wire::sio::packet make_event_packet(std::string_view event, arguments args);

// A socket id: 20 characters of base64url from 15 CSPRNG bytes, like the reference server's.
std::string make_socket_id();

// A correlation id for logs: 16 hex characters from 8 CSPRNG bytes.
std::string make_correlation_id();

}  // namespace switchboard::sio::detail
