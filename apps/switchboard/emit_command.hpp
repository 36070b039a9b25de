#pragma once
// `switchboard emit EVENT (--user ID... | --room R...) [--data JSON]`: posts to a running server's
// POST /api/v1/emit with an API key of the config.
#include <CLI/CLI.hpp>

namespace switchboard::app {

void add_emit_command(CLI::App& app);

}  // namespace switchboard::app
