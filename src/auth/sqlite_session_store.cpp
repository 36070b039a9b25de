// The embedded session store: one SQLite file, one connection guarded by a mutex (calls come
// from the worker pool and the CLI, never from a loop thread).
#include <sqlite3.h>

#include <cstdlib>
#include <mutex>
#include <stdexcept>

#include "switchboard/auth/error.hpp"
#include "switchboard/auth/session_store.hpp"
#include "switchboard/log/log.hpp"

namespace switchboard::auth {
namespace {

constexpr const char* schema = R"sql(
PRAGMA journal_mode = WAL;
CREATE TABLE IF NOT EXISTS sessions (
  id         TEXT PRIMARY KEY,   -- hex SHA-256 of the token
  user_id    TEXT NOT NULL,
  created_at INTEGER NOT NULL,   -- Unix seconds
  expires_at INTEGER NOT NULL,
  revoked    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS sessions_by_user ON sessions (user_id);
CREATE TABLE IF NOT EXISTS revocations (  -- read by running servers to end live sockets
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  id         TEXT NOT NULL,
  revoked_at INTEGER NOT NULL     -- Unix seconds
);
)sql";

// Revocations older than this are pruned when a new one is written: servers poll every second.
constexpr std::chrono::seconds revocations_kept = std::chrono::hours(24 * 7);
constexpr int revocations_per_read = 1000;

struct statement_deleter {
  void operator()(sqlite3_stmt* s) const noexcept { sqlite3_finalize(s); }
};
using statement = std::unique_ptr<sqlite3_stmt, statement_deleter>;

std::string column_text(sqlite3_stmt* s, int column) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(s, column));
  return text ? std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(s, column))) : std::string();
}

session_record read_record(sqlite3_stmt* s) {
  return session_record{.id = column_text(s, 0),
                        .user_id = column_text(s, 1),
                        .created_at = std::chrono::sys_seconds(std::chrono::seconds(sqlite3_column_int64(s, 2))),
                        .expires_at = std::chrono::sys_seconds(std::chrono::seconds(sqlite3_column_int64(s, 3))),
                        .revoked = sqlite3_column_int(s, 4) != 0};
}

void bind_text(sqlite3_stmt* s, int index, std::string_view text) {
  sqlite3_bind_text(s, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

class sqlite_session_store final : public session_store {
 public:
  explicit sqlite_session_store(const std::string& path) {
    sqlite3* db = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                   nullptr);
    db_.reset(db);
    if (rc != SQLITE_OK) {
      throw std::runtime_error("cannot open the session store " + path + ": " +
                               (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
    }
    sqlite3_busy_timeout(db, 5000);  // the CLI may write while the server reads
    char* error = nullptr;
    if (sqlite3_exec(db, schema, nullptr, nullptr, &error) != SQLITE_OK) {
      std::string message = error ? error : "unknown error";
      sqlite3_free(error);
      throw std::runtime_error("cannot set up the session store " + path + ": " + message);
    }
  }

  std::error_code insert(const session_record& r) override {
    std::lock_guard lock(mutex_);
    auto s = prepare("INSERT INTO sessions (id, user_id, created_at, expires_at, revoked) VALUES (?, ?, ?, ?, ?)");
    if (!s) return errc::store_unavailable;
    bind_text(s.get(), 1, r.id);
    bind_text(s.get(), 2, r.user_id);
    sqlite3_bind_int64(s.get(), 3, r.created_at.time_since_epoch().count());
    sqlite3_bind_int64(s.get(), 4, r.expires_at.time_since_epoch().count());
    sqlite3_bind_int(s.get(), 5, r.revoked ? 1 : 0);
    return step_done(s.get());
  }

  std::error_code find(std::string_view id, session_record& out) override {
    std::lock_guard lock(mutex_);
    auto s = prepare("SELECT id, user_id, created_at, expires_at, revoked FROM sessions WHERE id = ?");
    if (!s) return errc::store_unavailable;
    bind_text(s.get(), 1, id);
    const int rc = sqlite3_step(s.get());
    if (rc == SQLITE_DONE) return errc::session_unknown;
    if (rc != SQLITE_ROW) return failed("find");
    out = read_record(s.get());
    return {};
  }

  std::error_code list(const std::optional<std::string>& user_id, std::vector<session_record>& out) override {
    std::lock_guard lock(mutex_);
    auto s = prepare(user_id ? "SELECT id, user_id, created_at, expires_at, revoked FROM sessions WHERE user_id = ? "
                               "ORDER BY created_at, id"
                             : "SELECT id, user_id, created_at, expires_at, revoked FROM sessions ORDER BY created_at, id");
    if (!s) return errc::store_unavailable;
    if (user_id) bind_text(s.get(), 1, *user_id);
    int rc = SQLITE_ROW;
    while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) out.push_back(read_record(s.get()));
    return rc == SQLITE_DONE ? std::error_code() : failed("list");
  }

  std::error_code revoke(std::string_view id) override {
    std::lock_guard lock(mutex_);
    if (auto ec = exec("BEGIN IMMEDIATE")) return ec;
    const std::error_code ec = revoke_locked(id);
    if (auto end = exec(ec ? "ROLLBACK" : "COMMIT")) return end;
    return ec;
  }

  std::error_code revocation_head(std::string& cursor) override {
    std::lock_guard lock(mutex_);
    auto s = prepare("SELECT COALESCE(MAX(seq), 0) FROM revocations");
    if (!s) return errc::store_unavailable;
    if (sqlite3_step(s.get()) != SQLITE_ROW) return failed("revocation_head");
    cursor = std::to_string(sqlite3_column_int64(s.get(), 0));
    return {};
  }

  std::error_code revoked_after(std::string& cursor, std::vector<std::string>& ids) override {
    std::lock_guard lock(mutex_);
    auto s = prepare("SELECT seq, id FROM revocations WHERE seq > ? ORDER BY seq LIMIT ?");
    if (!s) return errc::store_unavailable;
    sqlite3_bind_int64(s.get(), 1, std::strtoll(cursor.c_str(), nullptr, 10));
    sqlite3_bind_int(s.get(), 2, revocations_per_read);
    int rc = SQLITE_ROW;
    while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
      cursor = std::to_string(sqlite3_column_int64(s.get(), 0));
      ids.push_back(column_text(s.get(), 1));
    }
    return rc == SQLITE_DONE ? std::error_code() : failed("revoked_after");
  }

 private:
  // Marks the session and logs the revocation, in the caller's transaction.
  std::error_code revoke_locked(std::string_view id) {
    auto s = prepare("UPDATE sessions SET revoked = 1 WHERE id = ?");
    if (!s) return errc::store_unavailable;
    bind_text(s.get(), 1, id);
    if (auto ec = step_done(s.get())) return ec;
    if (sqlite3_changes(db_.get()) == 0) return errc::session_unknown;
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch()).count();
    auto log = prepare("INSERT INTO revocations (id, revoked_at) VALUES (?, ?)");
    if (!log) return errc::store_unavailable;
    bind_text(log.get(), 1, id);
    sqlite3_bind_int64(log.get(), 2, now);
    if (auto ec = step_done(log.get())) return ec;
    auto prune = prepare("DELETE FROM revocations WHERE revoked_at < ?");
    if (!prune) return errc::store_unavailable;
    sqlite3_bind_int64(prune.get(), 1, now - revocations_kept.count());
    return step_done(prune.get());
  }

  std::error_code exec(const char* sql) {
    return sqlite3_exec(db_.get(), sql, nullptr, nullptr, nullptr) == SQLITE_OK ? std::error_code() : failed(sql);
  }

  statement prepare(const char* sql) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db_.get(), sql, -1, &s, nullptr) != SQLITE_OK) {
      failed("prepare");
      return nullptr;
    }
    return statement(s);
  }

  std::error_code step_done(sqlite3_stmt* s) {
    return sqlite3_step(s) == SQLITE_DONE ? std::error_code() : failed("write");
  }

  std::error_code failed(std::string_view what) {
    log::warn("session store: SQLite failed", {{"operation", what}, {"error", sqlite3_errmsg(db_.get())}});
    return errc::store_unavailable;
  }

  struct db_closer {
    void operator()(sqlite3* db) const noexcept { sqlite3_close(db); }
  };
  std::mutex mutex_;
  std::unique_ptr<sqlite3, db_closer> db_;
};

}  // namespace

std::unique_ptr<session_store> open_sqlite_session_store(const std::string& path) {
  return std::make_unique<sqlite_session_store>(path);
}

}  // namespace switchboard::auth
