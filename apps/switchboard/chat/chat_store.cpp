// One SQLite connection behind a mutex, its statements prepared once at start-up (a typo in SQL
// fails there, not on the first message).
#include "chat/chat_store.hpp"

#include <openssl/rand.h>
#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <mutex>
#include <stdexcept>

#include "chat/chat_error.hpp"
#include "switchboard/log/log.hpp"
#include "switchboard/wire/base64.hpp"

namespace switchboard::chat {
namespace {

// synchronous stays FULL (the default): a message is acknowledged once stored, and must survive
// a power cut from then on.
constexpr const char* schema = R"sql(
PRAGMA journal_mode = WAL;
PRAGMA foreign_keys = ON;
CREATE TABLE IF NOT EXISTS rooms (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  created_at INTEGER NOT NULL    -- Unix milliseconds
);
CREATE TABLE IF NOT EXISTS members (
  room_id TEXT NOT NULL REFERENCES rooms (id),
  user_id TEXT NOT NULL,
  PRIMARY KEY (room_id, user_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS messages (
  id      INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused, so "after id" paging is stable
  room_id TEXT NOT NULL REFERENCES rooms (id),
  user_id TEXT NOT NULL,
  text    TEXT NOT NULL,
  sent_at INTEGER NOT NULL       -- Unix milliseconds
);
CREATE INDEX IF NOT EXISTS messages_by_room ON messages (room_id, id);
)sql";

constexpr std::size_t generated_id_bytes = 9;  // 12 base64url characters

struct db_closer {
  void operator()(sqlite3* db) const noexcept { sqlite3_close(db); }
};
struct statement_finalizer {
  void operator()(sqlite3_stmt* s) const noexcept { sqlite3_finalize(s); }
};
using statement = std::unique_ptr<sqlite3_stmt, statement_finalizer>;

// Leaves a prepared statement ready for its next use on every way out of a call.
class use_statement {
 public:
  explicit use_statement(const statement& s) noexcept : s_(s.get()) {}
  ~use_statement() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
  use_statement(const use_statement&) = delete;
  use_statement& operator=(const use_statement&) = delete;
  sqlite3_stmt* get() const noexcept { return s_; }

 private:
  sqlite3_stmt* s_;
};

void bind_text(sqlite3_stmt* s, int index, std::string_view text) {
  sqlite3_bind_text(s, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

std::string column_text(sqlite3_stmt* s, int column) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(s, column));
  return text ? std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(s, column))) : std::string();
}

}  // namespace

struct chat_store::impl {
  std::mutex mutex;
  std::unique_ptr<sqlite3, db_closer> db;
  statement insert_room;
  statement insert_member;
  statement find_room;
  statement membership;
  statement insert_message;
  statement select_after;

  explicit impl(const std::string& path) {
    sqlite3* handle = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &handle,
                                   SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    db.reset(handle);
    if (rc != SQLITE_OK) {
      throw std::runtime_error("cannot open the chat store " + path + ": " +
                               (handle ? sqlite3_errmsg(handle) : sqlite3_errstr(rc)));
    }
    sqlite3_busy_timeout(handle, 5000);  // another process may hold the write lock for a moment
    char* error = nullptr;
    if (sqlite3_exec(handle, schema, nullptr, nullptr, &error) != SQLITE_OK) {
      std::string message = error ? error : "unknown error";
      sqlite3_free(error);
      throw std::runtime_error("cannot set up the chat store " + path + ": " + message);
    }
    insert_room = prepare("INSERT INTO rooms (id, name, created_at) VALUES (?, ?, ?)");
    insert_member = prepare("INSERT OR IGNORE INTO members (room_id, user_id) VALUES (?, ?)");
    find_room = prepare("SELECT 1 FROM rooms WHERE id = ?");
    membership = prepare("SELECT EXISTS (SELECT 1 FROM rooms WHERE id = ?1), "
                         "EXISTS (SELECT 1 FROM members WHERE room_id = ?1 AND user_id = ?2)");
    insert_message = prepare("INSERT INTO messages (room_id, user_id, text, sent_at) VALUES (?, ?, ?, ?)");
    select_after = prepare("SELECT id, room_id, user_id, text, sent_at FROM messages "
                           "WHERE room_id = ? AND id > ? ORDER BY id LIMIT ?");
  }

  statement prepare(const char* sql) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v3(db.get(), sql, -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr) != SQLITE_OK) {
      throw std::runtime_error(std::string("cannot prepare a chat store statement: ") + sqlite3_errmsg(db.get()));
    }
    return statement(s);
  }

  std::error_code failed(std::string_view what) {
    log::warn("chat store: SQLite failed", {{"operation", what}, {"error", sqlite3_errmsg(db.get())}});
    return errc::store_failed;
  }

  std::error_code exec(const char* sql, std::string_view what) {
    return sqlite3_exec(db.get(), sql, nullptr, nullptr, nullptr) == SQLITE_OK ? std::error_code() : failed(what);
  }

  // Callers hold the mutex.
  std::error_code check_room(std::string_view room_id) {
    use_statement s(find_room);
    bind_text(s.get(), 1, room_id);
    const int rc = sqlite3_step(s.get());
    if (rc == SQLITE_ROW) return {};
    return rc == SQLITE_DONE ? std::error_code(errc::room_unknown) : failed("find room");
  }

  std::error_code check_member(std::string_view room_id, std::string_view user_id) {
    use_statement s(membership);
    bind_text(s.get(), 1, room_id);
    bind_text(s.get(), 2, user_id);
    if (sqlite3_step(s.get()) != SQLITE_ROW) return failed("check member");
    if (sqlite3_column_int(s.get(), 0) == 0) return errc::room_unknown;
    if (sqlite3_column_int(s.get(), 1) == 0) return errc::not_a_member;
    return {};
  }

  std::error_code add_member(std::string_view room_id, std::string_view user_id) {
    use_statement s(insert_member);
    bind_text(s.get(), 1, room_id);
    bind_text(s.get(), 2, user_id);
    return sqlite3_step(s.get()) == SQLITE_DONE ? std::error_code() : failed("add member");
  }

  std::error_code insert(std::string_view id, std::string_view name, std::int64_t now_ms) {
    use_statement s(insert_room);
    bind_text(s.get(), 1, id);
    bind_text(s.get(), 2, name);
    sqlite3_bind_int64(s.get(), 3, now_ms);
    if (sqlite3_step(s.get()) == SQLITE_DONE) return {};
    if (sqlite3_extended_errcode(db.get()) == SQLITE_CONSTRAINT_PRIMARYKEY) return errc::room_exists;
    return failed("create room");
  }
};

chat_store::chat_store(const std::string& path) : impl_(std::make_unique<impl>(path)) {}
chat_store::~chat_store() = default;

std::error_code chat_store::create_room(std::string_view id, std::string_view name,
                                        const std::vector<std::string>& members, std::int64_t now_ms,
                                        std::string& created_id) {
  if (id.size() > max_room_id) return errc::room_id_invalid;
  std::string room_id(id);
  if (room_id.empty()) {
    std::array<unsigned char, generated_id_bytes> random{};
    if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1) {
      log::warn("chat store: OpenSSL RAND_bytes failed");
      return errc::store_failed;
    }
    wire::append_base64url(std::string_view(reinterpret_cast<const char*>(random.data()), random.size()), room_id);
  }
  std::lock_guard lock(impl_->mutex);
  // The room and its members appear together or not at all.
  if (auto ec = impl_->exec("BEGIN IMMEDIATE", "begin")) return ec;
  std::error_code ec = impl_->insert(room_id, name, now_ms);
  for (auto member = members.begin(); !ec && member != members.end(); ++member) {
    ec = impl_->add_member(room_id, *member);
  }
  if (!ec) ec = impl_->exec("COMMIT", "commit");
  if (ec) {
    impl_->exec("ROLLBACK", "rollback");
    return ec;
  }
  created_id = std::move(room_id);
  return {};
}

std::error_code chat_store::check_room(std::string_view room_id) {
  std::lock_guard lock(impl_->mutex);
  return impl_->check_room(room_id);
}

std::error_code chat_store::check_member(std::string_view room_id, std::string_view user_id) {
  std::lock_guard lock(impl_->mutex);
  return impl_->check_member(room_id, user_id);
}

std::error_code chat_store::add_member(std::string_view room_id, std::string_view user_id) {
  std::lock_guard lock(impl_->mutex);
  if (auto ec = impl_->check_room(room_id)) return ec;
  return impl_->add_member(room_id, user_id);
}

std::error_code chat_store::append_message(std::string_view room_id, std::string_view user_id, std::string_view text,
                                           std::int64_t now_ms, std::int64_t& message_id) {
  std::lock_guard lock(impl_->mutex);
  if (auto ec = impl_->check_member(room_id, user_id)) return ec;
  use_statement s(impl_->insert_message);
  bind_text(s.get(), 1, room_id);
  bind_text(s.get(), 2, user_id);
  bind_text(s.get(), 3, text);
  sqlite3_bind_int64(s.get(), 4, now_ms);
  if (sqlite3_step(s.get()) != SQLITE_DONE) return impl_->failed("append message");
  message_id = sqlite3_last_insert_rowid(impl_->db.get());
  return {};
}

std::error_code chat_store::messages_after(std::string_view room_id, std::int64_t after_id, std::size_t limit,
                                           std::vector<stored_message>& out) {
  std::lock_guard lock(impl_->mutex);
  if (auto ec = impl_->check_room(room_id)) return ec;
  use_statement s(impl_->select_after);
  bind_text(s.get(), 1, room_id);
  sqlite3_bind_int64(s.get(), 2, after_id);
  sqlite3_bind_int64(s.get(), 3, static_cast<sqlite3_int64>(std::min(limit, max_page)));
  int rc = SQLITE_ROW;
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
    out.push_back(stored_message{.id = sqlite3_column_int64(s.get(), 0),
                                 .room_id = column_text(s.get(), 1),
                                 .user_id = column_text(s.get(), 2),
                                 .text = column_text(s.get(), 3),
                                 .sent_at = sqlite3_column_int64(s.get(), 4)});
  }
  return rc == SQLITE_DONE ? std::error_code() : impl_->failed("messages after");
}

}  // namespace switchboard::chat
