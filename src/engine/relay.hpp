#pragma once
// Requests for sessions of other cluster nodes: relayed to the owner (server::relay, relay.cpp).
#include <string_view>

#include "switchboard/engine/options.hpp"

namespace switchboard::engine::detail {

// Marks a request relayed by a node: its receiver never relays it again.
inline constexpr std::string_view relayed_header = "X-Switchboard-Relayed";

// options.cluster.relay, its exchange timeout long enough for a polling GET held at the owner.
http::relay_options relay_options_for(const options& o);

}  // namespace switchboard::engine::detail
