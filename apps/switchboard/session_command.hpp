#pragma once
// `switchboard session create|list|revoke`: manages session tokens in the configured store.
#include <CLI/CLI.hpp>

namespace switchboard::app {

void add_session_command(CLI::App& app);

}  // namespace switchboard::app
