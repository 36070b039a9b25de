#pragma once
// What the Admin UI is sent, in the shapes it reads (`@socket.io/admin-ui` 0.5): sockets,
// dates, and the arguments of the events it reports.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <chrono>
#include <string>

#include "switchboard/sio/adapter.hpp"
#include "switchboard/sio/socket.hpp"

namespace switchboard::admin::detail {

// A JavaScript Date as JSON carries it: "2026-12-03T15:04:05.123Z".
std::string js_date(std::chrono::system_clock::time_point t);

// The reference's `_admin` member of socket.data: {clientId, transport}. A Node.js node of the
// cluster reads it from our fetchSockets answers, and we read it from theirs.
boost::json::object admin_data(const sio::socket& s);

// A local socket as the UI lists it: id, clientId, transport, nsp, data (without _admin),
// handshake (without auth), rooms.
boost::json::object serialize_socket(const sio::socket& s);

// A socket of any node, from fetch_sockets: clientId and transport come from data._admin.
boost::json::object serialize_socket(const sio::socket_info& s, const std::string& nsp);

}  // namespace switchboard::admin::detail
