#pragma once
// GET /admin/ : the official Socket.IO Admin UI (`@socket.io/admin-ui` 0.5.1's built bundle),
// built into the binary with the icon font and Roboto it loads, so that it works offline and
// asks no third-party site for anything. /admin answers 301 to /admin/ (the bundle's paths are
// relative). Without a login (loopback only) the page names this server, so the UI connects at
// once.
#include <memory>
#include <string>

#include "switchboard/http/websocket_channel.hpp"

namespace switchboard::app {

struct admin_ui_options {
  std::string admin_namespace = "/admin";
  bool login_required = true;
};

std::shared_ptr<http::route> make_admin_ui_route(const admin_ui_options& options);

}  // namespace switchboard::app
