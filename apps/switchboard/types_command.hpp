#pragma once
// `switchboard types [--out FILE]`: the TypeScript declarations of every module's events.
#include <CLI/CLI.hpp>

namespace switchboard::app {

void add_types_command(CLI::App& app);

}  // namespace switchboard::app
