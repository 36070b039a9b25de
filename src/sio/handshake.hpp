#pragma once
// A socket's handshake as fetch_sockets reports it: the fields of Node's `socket.handshake`
// that this server knows, in Node's key order, so that a Node.js peer of a cluster reads a
// switchboard socket's handshake as it reads its own. `secure` is left out: the session does not
// say whether TLS carried it.
#include <boost/json/object.hpp>
#include <chrono>

#include "switchboard/engine/session.hpp"

namespace switchboard::sio::detail {

// headers (lower-case names; repeated ones joined with ", "), time (Date.toString() in UTC),
// address, xdomain (an Origin header came), issued (ms since the epoch), url, query, auth.
boost::json::object describe_handshake(const engine::session& session, const boost::json::object& auth,
                                       std::chrono::system_clock::time_point issued);

}  // namespace switchboard::sio::detail
