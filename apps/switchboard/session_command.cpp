#include "session_command.hpp"

#include <fmt/chrono.h>

#include <filesystem>
#include <iostream>
#include <memory>

#include "duration.hpp"
#include "server_setup.hpp"
#include "switchboard/auth/authenticator.hpp"
#include "switchboard/auth/error.hpp"
#include "switchboard/auth/session_store.hpp"

namespace switchboard::app {
namespace {

// By default the store of the configuration (--config, --set, SWITCHBOARD_*), as `serve` opens it;
// --sqlite or --redis name another.
struct store_flags {
  config_flags config;
  std::string sqlite;
  std::string redis;
  std::string key_prefix = "switchboard";
};

std::shared_ptr<auth::session_store> open_store(const store_flags& f) {
  if (!f.redis.empty()) return auth::open_redis_session_store(f.redis, f.key_prefix);
  if (f.sqlite.empty()) return open_sessions(f.config.load());
  if (const auto dir = std::filesystem::path(f.sqlite).parent_path(); !dir.empty()) {
    std::filesystem::create_directories(dir);
  }
  return auth::open_sqlite_session_store(f.sqlite);
}

std::string iso8601(std::chrono::sys_seconds t) { return fmt::format("{:%FT%TZ}", t); }

void fail(std::string_view what, std::error_code ec) {
  throw CLI::RuntimeError(std::string(what) + ": " + ec.message(), 1);
}

// The full id of the one session whose id starts with `prefix` (8 hex characters at least).
std::string resolve(auth::session_store& store, const std::string& prefix) {
  if (prefix.size() < 8) throw CLI::ValidationError("revoke", "give at least 8 characters of the session id");
  std::vector<auth::session_record> all;
  if (const auto ec = store.list(std::nullopt, all)) fail("cannot list sessions", ec);
  std::vector<std::string> matches;
  for (const auto& r : all) {
    if (r.id.starts_with(prefix)) matches.push_back(r.id);
  }
  if (matches.empty()) throw CLI::RuntimeError("no session id starts with " + prefix, 1);
  if (matches.size() > 1) throw CLI::RuntimeError(std::to_string(matches.size()) + " sessions match " + prefix + ": give more characters", 1);
  return matches.front();
}

}  // namespace

void add_session_command(CLI::App& app) {
  auto flags = std::make_shared<store_flags>();
  auto* session = app.add_subcommand("session", "create, list and revoke session tokens");
  session->require_subcommand(1);
  flags->config.add_to(*session);
  session->add_option("--sqlite", flags->sqlite, "SQLite session store file (default: the configuration's, <data_dir>/sessions.db)");
  session->add_option("--redis", flags->redis, "Redis session store URL (instead of SQLite)");
  session->add_option("--key-prefix", flags->key_prefix, "Redis key prefix")->capture_default_str();

  auto* create = session->add_subcommand("create", "make a session token for a user; prints it once");
  create->fallthrough();  // the store flags may follow the subcommand
  auto user = std::make_shared<std::string>();
  auto ttl = std::make_shared<std::string>("1d");
  create->add_option("--user", *user, "user id")->required();
  create->add_option("--ttl", *ttl, "lifetime: 90s, 15m, 1h, 7d")->capture_default_str();
  create->callback([flags, user, ttl] {
    const auto lifetime = parse_duration(*ttl);
    if (!lifetime || *lifetime == std::chrono::seconds(0)) throw CLI::ValidationError("--ttl", "expected a duration such as 90s, 15m, 1h or 7d, got '" + *ttl + "'");
    if (!auth::usable_user_id(*user)) throw CLI::ValidationError("--user", "a user id has 1 to 256 bytes and no control characters");
    auto store = open_store(*flags);
    auth::issued_session issued;
    if (const auto ec = auth::create_session(*store, *user, *lifetime, issued)) fail("cannot create the session", ec);
    std::cout << issued.token << "\n";
    std::cerr << "session " << issued.record.id.substr(0, 16) << " for user " << issued.record.user_id << ", expires "
              << iso8601(issued.record.expires_at) << "\n";
  });

  auto* list = session->add_subcommand("list", "list sessions (id prefix, user, created, expires, state)");
  list->fallthrough();
  auto list_user = std::make_shared<std::string>();
  list->add_option("--user", *list_user, "only this user's sessions");
  list->callback([flags, list_user] {
    auto store = open_store(*flags);
    std::vector<auth::session_record> records;
    const auto who = list_user->empty() ? std::nullopt : std::optional<std::string>(*list_user);
    if (const auto ec = store->list(who, records)) fail("cannot list sessions", ec);
    const auto now = std::chrono::system_clock::now();
    for (const auto& r : records) {
      const char* state = r.revoked ? "revoked" : (r.expires_at <= now ? "expired" : "active");
      std::cout << r.id.substr(0, 16) << "  user=" << r.user_id << "  created=" << iso8601(r.created_at)
                << "  expires=" << iso8601(r.expires_at) << "  " << state << "\n";
    }
  });

  auto* revoke = session->add_subcommand("revoke", "revoke a session by its id (or a unique prefix of 8+ characters)");
  revoke->fallthrough();
  auto id = std::make_shared<std::string>();
  revoke->add_option("id", *id, "session id or prefix")->required();
  revoke->callback([flags, id] {
    auto store = open_store(*flags);
    const std::string full = resolve(*store, *id);
    if (const auto ec = store->revoke(full)) fail("cannot revoke the session", ec);
    std::cout << "revoked " << full.substr(0, 16) << "\n";
  });
}

}  // namespace switchboard::app
