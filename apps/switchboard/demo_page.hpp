#pragma once
// GET / : the demo page (connection state and transport, the chat room "lobby", notifications),
// and GET /socket.io.min.js : the official socket.io-client browser bundle, both built into the
// binary from apps/switchboard/demo/ and the npm package. With the development secret the page
// carries a demo token; otherwise it asks for one.
#include <memory>
#include <string>

#include "switchboard/http/websocket_channel.hpp"

namespace switchboard::app {

std::shared_ptr<http::route> make_demo_route(std::string demo_token);

}  // namespace switchboard::app
