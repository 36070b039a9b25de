#pragma once
// What `serve` and `token` share: the config from the command line, and the JWT keys it names.
#include <CLI/CLI.hpp>
#include <memory>

#include "config.hpp"
#include "switchboard/auth/jwt.hpp"
#include "switchboard/auth/session_store.hpp"

namespace switchboard::app {

// --config FILE and repeated --set section.key=value, on `command`.
struct config_flags {
  std::string path;
  std::vector<std::string> overrides;
  void add_to(CLI::App& command);
  config load() const { return load_config(path, switchboard_environment(), overrides); }
};

// The verification keys of [auth]: the shared secret (bound to the HS algorithms its length
// allows), the PEM public key, the JWKS file. Throws config_error.
std::vector<auth::jwt::key> jwt_keys(const config& c);

// The session store the server reads: <data_dir>/sessions.db, or Redis with auth.sessions = "redis".
// The session command opens the same one. Throws on a store that cannot be opened.
std::shared_ptr<auth::session_store> open_sessions(const config& c);

// An HS256 token for `user`, signed with auth.jwt_secret. Throws config_error without one.
std::string mint_token(const config& c, const std::string& user, std::chrono::seconds ttl);

}  // namespace switchboard::app
