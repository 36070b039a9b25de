#pragma once
// `switchboard admin hash-password`: a bcrypt hash of the password read from standard input, for
// [admin] password_hash.
#include <CLI/CLI.hpp>

namespace switchboard::app {

void add_admin_command(CLI::App& app);

}  // namespace switchboard::app
