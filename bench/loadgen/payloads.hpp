#pragma once
// The event every scenario sends: `bench` with {t: send time in µs, seq, pad} of about
// payload_bytes as a Socket.IO packet, in the request each kind of server takes.
#include <string>
#include <vector>

#include "emit_driver.hpp"
#include "options.hpp"

namespace switchboard::bench {

// To every socket of `user` (for fanout, all sockets share one user and so one room).
emit_request event_for_user(const run_options& options, const std::string& user, std::uint64_t sequence);

}  // namespace switchboard::bench
