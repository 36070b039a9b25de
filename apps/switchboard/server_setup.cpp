#include "server_setup.hpp"

#include <filesystem>

#include <fstream>
#include <sstream>

namespace switchboard::app {
namespace {

namespace jwt = auth::jwt;

std::string read_file(const std::string& setting, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw config_error(setting + " = " + path + ": cannot read the file");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

void config_flags::add_to(CLI::App& command) {
  command.add_option("--config", path, "TOML configuration file (default: embedded defaults)");
  command.add_option("--set", overrides, "override a setting: section.key=value (repeatable)");
}

std::vector<jwt::key> jwt_keys(const config& c) {
  std::vector<jwt::key> keys;
  try {
    if (!c.auth.jwt_secret.empty()) {
      // RFC 7518 3.2: an HMAC key at least as long as the hash.
      std::vector<jwt::algorithm> algorithms{jwt::algorithm::hs256};
      if (c.auth.jwt_secret.size() >= 48) algorithms.push_back(jwt::algorithm::hs384);
      if (c.auth.jwt_secret.size() >= 64) algorithms.push_back(jwt::algorithm::hs512);
      keys.push_back(jwt::key::shared_secret(c.auth.jwt_secret, algorithms));
    }
    if (!c.auth.jwt_public_key.empty()) {
      const auto alg = jwt::parse_algorithm(c.auth.jwt_public_key_algorithm);
      keys.push_back(jwt::key::public_pem(read_file("auth.jwt_public_key", c.auth.jwt_public_key), {*alg}));
    }
    if (!c.auth.jwks.empty()) {
      for (auto& k : jwt::key::from_jwks(read_file("auth.jwks", c.auth.jwks))) keys.push_back(std::move(k));
    }
  } catch (const std::invalid_argument& e) {
    throw config_error(std::string("auth: ") + e.what());
  }
  return keys;
}

std::string mint_token(const config& c, const std::string& user, std::chrono::seconds ttl) {
  if (c.auth.jwt_secret.empty()) throw config_error("auth.jwt_secret is not set: no key to sign tokens with");
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
  boost::json::object claims{{c.auth.user_claim, user}, {"iat", now.count()}, {"exp", (now + ttl).count()}};
  if (!c.auth.issuer.empty()) claims["iss"] = c.auth.issuer;
  if (!c.auth.audience.empty()) claims["aud"] = c.auth.audience;
  try {
    return jwt::signer::shared_secret(c.auth.jwt_secret).sign(claims);
  } catch (const std::invalid_argument& e) {
    throw config_error(std::string("auth.jwt_secret: ") + e.what());
  }
}

std::shared_ptr<auth::session_store> open_sessions(const config& c) {
  if (c.auth.sessions == "redis") return auth::open_redis_session_store(c.auth.redis);
  std::filesystem::create_directories(c.server.data_dir);
  return auth::open_sqlite_session_store((std::filesystem::path(c.server.data_dir) / "sessions.db").string());
}

}  // namespace switchboard::app
