#pragma once
// The [limits] section (and server.trust_proxy) onto the options of the layers that enforce them.
#include "config.hpp"
#include "switchboard/http/server.hpp"
#include "switchboard/sio/server.hpp"

namespace switchboard::app {

void apply_limits(const config& c, sio::options& io);
void apply_limits(const config& c, http::server_options& http);

}  // namespace switchboard::app
