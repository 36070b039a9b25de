#pragma once
/// @file
/// Opaque session tokens (a web login's) and the stores that know them. A store keeps the SHA-256
/// of each token, never the token: a leaked store cannot be replayed.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace switchboard::auth {

/// What a store keeps of a session.
struct session_record {
  std::string id;  ///< Hex SHA-256 of the token.
  std::string user_id;  ///< The user the session belongs to.
  std::chrono::sys_seconds created_at{};  ///< When the session was created.
  std::chrono::sys_seconds expires_at{};  ///< When it stops being accepted.
  bool revoked = false;  ///< Revoked sessions are refused (errc::session_revoked).
};

/// Where session records live: SQLite or Redis, or an implementation of one's own.
/// Blocking calls: run them on a worker thread or in the CLI, never on a loop thread. Thread-safe.
/// Errors: errc::session_unknown, errc::store_unavailable (with the cause logged by the store).
class session_store {
 public:
  virtual ~session_store() = default;
  /// Stores a new record.
  virtual std::error_code insert(const session_record& record) = 0;
  /// The record of session `id` (errc::session_unknown if none).
  virtual std::error_code find(std::string_view id, session_record& out) = 0;
  /// Every session, or a user's, oldest first.
  virtual std::error_code list(const std::optional<std::string>& user_id, std::vector<session_record>& out) = 0;
  /// Marks session `id` revoked and records it in the revocation log (errc::session_unknown if
  /// none).
  virtual std::error_code revoke(std::string_view id) = 0;

  /// The revocation log, which ends the live sockets of revoked sessions (revocation_watcher).
  /// `cursor` is opaque: revocation_head() sets it past every revocation recorded so far;
  /// revoked_after() gives the ids revoked since (oldest first, at most 1000) and moves it on.
  virtual std::error_code revocation_head(std::string& cursor) = 0;
  /// Appends to `ids` the sessions revoked after `cursor` (oldest first, at most 1000) and moves
  /// `cursor` past them; see revocation_head().
  virtual std::error_code revoked_after(std::string& cursor, std::vector<std::string>& ids) = 0;
};

/// Opens the SQLite store at `path` (created with its table if absent, WAL mode). Throws
/// std::runtime_error when the file cannot be opened: a start-up error.
std::unique_ptr<session_store> open_sqlite_session_store(const std::string& path);

/// Opens the Redis store at `url` (`redis://[:password@]host[:port][/db]`); a session is the hash
/// `<key_prefix>:session:<id>`, kept a week past its expiry so that late use reads "expired".
/// Throws std::invalid_argument for a bad URL; connects lazily and reconnects after errors.
std::unique_ptr<session_store> open_redis_session_store(const std::string& url, std::string key_prefix = "switchboard");

/// Whether `token` has the form of a session token: "sbs_" and 43 base64url characters (32
/// random bytes).
bool looks_like_session_token(std::string_view token) noexcept;
/// The store id of a token: hex SHA-256.
std::string session_id_of(std::string_view token);

/// A session just created: its token, and what the store keeps of it.
struct issued_session {
  std::string token;  ///< Shown once, to whoever asked for it.
  session_record record;  ///< As stored.
};
/// Makes a token for `user_id`, valid for `ttl`, and stores its record. Blocking, as the store.
std::error_code create_session(session_store& store, std::string user_id, std::chrono::seconds ttl,
                               issued_session& out);

}  // namespace switchboard::auth
