// The switchboard binary: subcommands for operating a deployment.
#include <CLI/CLI.hpp>
#include <iostream>

#include "admin_command.hpp"
#include "emit_command.hpp"
#include "serve_command.hpp"
#include "session_command.hpp"
#include "types_command.hpp"

int main(int argc, char** argv) {
  CLI::App app{"switchboard: a Socket.IO-compatible real-time event server"};
  app.set_version_flag("--version", std::string("switchboard ") + SWITCHBOARD_VERSION);
  app.require_subcommand(1);
  app.footer(R"(Examples:
  switchboard serve --config config/dev.toml      the server (make run does this)
  switchboard token --user 42 --ttl 1h            prints a JWT for user 42
  switchboard emit notice --user 42 --data '{"text":"hi"}'   through the REST API
  switchboard session create --user 42 --ttl 1h   prints a session token for user 42
  switchboard session list --user 42
  switchboard session revoke 3f9a1c0b
  switchboard types --out web/src/switchboard-events.d.ts)");
  switchboard::app::add_serve_command(app);
  switchboard::app::add_token_command(app);
  switchboard::app::add_emit_command(app);
  switchboard::app::add_session_command(app);
  switchboard::app::add_types_command(app);
  switchboard::app::add_admin_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    std::cerr << "switchboard: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
