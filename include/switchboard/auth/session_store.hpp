#pragma once
// Opaque session tokens (a web login's) and the stores that know them. A store keeps the SHA-256
// of each token, never the token: a leaked store cannot be replayed.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace switchboard::auth {

struct session_record {
  std::string id;  // hex SHA-256 of the token
  std::string user_id;
  std::chrono::sys_seconds created_at{};
  std::chrono::sys_seconds expires_at{};
  bool revoked = false;
};

// Blocking calls: run them on a worker thread or in the CLI, never on a loop thread. Thread-safe.
// Errors: errc::session_unknown, errc::store_unavailable (with the cause logged by the store).
class session_store {
 public:
  virtual ~session_store() = default;
  virtual std::error_code insert(const session_record& record) = 0;
  virtual std::error_code find(std::string_view id, session_record& out) = 0;
  // Every session, or a user's, oldest first.
  virtual std::error_code list(const std::optional<std::string>& user_id, std::vector<session_record>& out) = 0;
  virtual std::error_code revoke(std::string_view id) = 0;

  // The revocation log, which ends the live sockets of revoked sessions (revocation_watcher).
  // `cursor` is opaque: revocation_head() sets it past every revocation recorded so far;
  // revoked_after() gives the ids revoked since (oldest first, at most 1000) and moves it on.
  virtual std::error_code revocation_head(std::string& cursor) = 0;
  virtual std::error_code revoked_after(std::string& cursor, std::vector<std::string>& ids) = 0;
};

// SQLite at `path` (created with its table if absent, WAL mode). Throws std::runtime_error when
// the file cannot be opened: a start-up error.
std::unique_ptr<session_store> open_sqlite_session_store(const std::string& path);

// Redis at `url` (redis://[:password@]host[:port][/db]); a session is the hash
// "<key_prefix>:session:<id>", kept a week past its expiry so that late use reads "expired".
// Throws std::invalid_argument for a bad URL; connects lazily and reconnects after errors.
std::unique_ptr<session_store> open_redis_session_store(const std::string& url, std::string key_prefix = "switchboard");

// "sbs_" and 43 base64url characters (32 random bytes).
bool looks_like_session_token(std::string_view token) noexcept;
// The store id of a token: hex SHA-256.
std::string session_id_of(std::string_view token);

struct issued_session {
  std::string token;  // shown once, to whoever asked for it
  session_record record;
};
// Makes a token for `user_id`, valid for `ttl`, and stores its record.
std::error_code create_session(session_store& store, std::string user_id, std::chrono::seconds ttl,
                               issued_session& out);

}  // namespace switchboard::auth
