#pragma once
// Packets the server builds, and ids it gives.
#include <string>
#include <string_view>

#include "switchboard/sio/arguments.hpp"
#include "switchboard/sio/server.hpp"
#include "switchboard/wire/socketio.hpp"
#include "switchboard/wire/socketio_msgpack.hpp"

namespace switchboard::sio::detail {

// An EVENT packet: [event, ...args] with the arguments' binaries as attachments.
wire::sio::packet make_event_packet(std::string_view event, arguments args);

// The packet as `parser` writes it; `shape` is the object the reference builds for it (the msgpack
// parser's key order follows it). A msgpack broadcast carries its JSON encoding beside it
// (frame::other_encoding), for the JSON clients a msgpack server also serves.
std::error_code encode_packet(parser_kind parser, const wire::sio::packet& p, wire::sio::msgpack_parser::shape shape,
                              wire::frame_ptr& out);

// A socket id: 20 characters of base64url from 15 CSPRNG bytes, like the reference server's.
std::string make_socket_id();

// A correlation id for logs: 16 hex characters from 8 CSPRNG bytes.
std::string make_correlation_id();

}  // namespace switchboard::sio::detail
