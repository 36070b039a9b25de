#pragma once
// `switchboard serve`: the server, and `switchboard token`: a JWT for a user.
#include <CLI/CLI.hpp>

namespace switchboard::app {

void add_serve_command(CLI::App& app);
void add_token_command(CLI::App& app);

}  // namespace switchboard::app
