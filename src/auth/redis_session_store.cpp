// Sessions in Redis: the hash <prefix>:session:<id> {user_id, created_at, expires_at, revoked},
// the set <prefix>:user-sessions:<user_id> of a user's ids, and the stream (and channel)
// <prefix>:revocations of revoked ids. One blocking hiredis connection
// behind a mutex: calls come from the worker pool and the CLI, never from a loop thread.
#include <hiredis/hiredis.h>

#include <algorithm>
#include <boost/url/parse.hpp>
#include <charconv>
#include <mutex>
#include <stdexcept>

#include "switchboard/auth/error.hpp"
#include "switchboard/auth/session_store.hpp"
#include "switchboard/log/log.hpp"

namespace switchboard::auth {
namespace {

constexpr std::chrono::seconds kept_after_expiry = std::chrono::hours(24 * 7);
constexpr timeval connect_timeout{2, 0};
constexpr timeval command_timeout{2, 0};
// The revocation stream keeps about this many entries: servers read it every second.
constexpr std::size_t revocations_kept = 100'000;
constexpr std::size_t revocations_per_read = 1000;

struct redis_target {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string password;
  int db = 0;
};

redis_target parse_url(const std::string& url) {
  const auto parsed = boost::urls::parse_uri(url);
  if (!parsed || parsed->scheme() != "redis") {
    throw std::invalid_argument("invalid Redis URL (not shown: it may hold a password): expected redis://[:password@]host[:port][/db]");
  }
  redis_target t;
  if (!parsed->host().empty()) t.host = parsed->host();
  if (parsed->has_port()) t.port = parsed->port_number();
  if (parsed->has_password()) t.password = parsed->password();
  const std::string path = parsed->path();
  if (path.size() > 1) {
    const auto [end, ec] = std::from_chars(path.data() + 1, path.data() + path.size(), t.db);
    if (ec != std::errc() || end != path.data() + path.size()) {
      throw std::invalid_argument("invalid Redis URL (not shown: it may hold a password): the path must be a database number");
    }
  }
  return t;
}

struct reply_deleter {
  void operator()(redisReply* r) const noexcept { freeReplyObject(r); }
};
using reply_ptr = std::unique_ptr<redisReply, reply_deleter>;

struct context_deleter {
  void operator()(redisContext* c) const noexcept { redisFree(c); }
};

long long to_integer(const redisReply* r) {
  if (!r || r->type != REDIS_REPLY_STRING) return 0;
  long long value = 0;
  std::from_chars(r->str, r->str + r->len, value);
  return value;
}

class redis_session_store final : public session_store {
 public:
  redis_session_store(const std::string& url, std::string key_prefix)
      : target_(parse_url(url)), prefix_(std::move(key_prefix)) {}

  std::error_code insert(const session_record& r) override {
    std::lock_guard lock(mutex_);
    const std::string key = session_key(r.id);
    const std::string created = std::to_string(r.created_at.time_since_epoch().count());
    const std::string expires = std::to_string(r.expires_at.time_since_epoch().count());
    const std::string forget = std::to_string((r.expires_at + kept_after_expiry).time_since_epoch().count());
    const std::string user_key = user_sessions_key(r.user_id);
    // One round trip: MULTI/EXEC pipelined, so a record never exists without its expiry.
    const std::vector<std::vector<std::string>> commands = {
        {"MULTI"},
        {"HSET", key, "user_id", r.user_id, "created_at", created, "expires_at", expires, "revoked",
         r.revoked ? "1" : "0"},
        {"EXPIREAT", key, forget},
        {"SADD", user_key, r.id},
        {"EXPIREAT", user_key, forget},
        {"EXEC"}};
    auto replies = pipeline(commands);
    if (replies.empty()) return errc::store_unavailable;
    const auto& exec = replies.back();
    return exec->type == REDIS_REPLY_ARRAY ? std::error_code() : failed("insert", exec.get());
  }

  std::error_code find(std::string_view id, session_record& out) override {
    std::lock_guard lock(mutex_);
    return find_locked(id, out);
  }

  std::error_code list(const std::optional<std::string>& user_id, std::vector<session_record>& out) override {
    std::lock_guard lock(mutex_);
    std::vector<std::string> ids;
    if (auto ec = user_id ? members(user_sessions_key(*user_id), ids) : scan_ids(ids)) return ec;
    for (const auto& id : ids) {
      session_record r;
      const auto ec = find_locked(id, r);
      if (ec == errc::session_unknown) continue;  // expired out of Redis since
      if (ec) return ec;
      out.push_back(std::move(r));
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
      return std::tie(a.created_at, a.id) < std::tie(b.created_at, b.id);
    });
    return {};
  }

  std::error_code revoke(std::string_view id) override {
    std::lock_guard lock(mutex_);
    // Only if the session exists, so that revoking an unknown id creates nothing. The revocation
    // goes to the log that servers read (a stream, so that a server that was away reads it too)
    // and to a channel for anyone else listening.
    auto r = command({"EVAL",
                      "if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end "
                      "redis.call('HSET', KEYS[1], 'revoked', '1') "
                      "redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', 'id', ARGV[1]) "
                      "redis.call('PUBLISH', KEYS[2], ARGV[1]) "
                      "return 1",
                      "2", session_key(id), revocations_key(), std::string(id), std::to_string(revocations_kept)});
    if (!r) return errc::store_unavailable;
    if (r->type != REDIS_REPLY_INTEGER) return failed("revoke", r.get());
    return r->integer == 0 ? std::error_code(errc::session_unknown) : std::error_code();
  }

  std::error_code revocation_head(std::string& cursor) override {
    std::lock_guard lock(mutex_);
    auto r = command({"XREVRANGE", revocations_key(), "+", "-", "COUNT", "1"});
    if (!r) return errc::store_unavailable;
    if (r->type != REDIS_REPLY_ARRAY) return failed("revocation_head", r.get());
    cursor = r->elements == 0 ? "0-0" : entry_id(r->element[0]);
    return {};
  }

  std::error_code revoked_after(std::string& cursor, std::vector<std::string>& ids) override {
    std::lock_guard lock(mutex_);
    auto r = command({"XRANGE", revocations_key(), "(" + cursor, "+", "COUNT", std::to_string(revocations_per_read)});
    if (!r) return errc::store_unavailable;
    if (r->type != REDIS_REPLY_ARRAY) return failed("revoked_after", r.get());
    for (std::size_t i = 0; i < r->elements; ++i) {
      const redisReply* entry = r->element[i];
      cursor = entry_id(entry);
      const redisReply* fields = entry->type == REDIS_REPLY_ARRAY && entry->elements == 2 ? entry->element[1] : nullptr;
      if (fields && fields->type == REDIS_REPLY_ARRAY && fields->elements == 2) {
        ids.emplace_back(fields->element[1]->str, fields->element[1]->len);
      }
    }
    return {};
  }

 private:
  // A stream entry is [id, [field, value...]].
  static std::string entry_id(const redisReply* entry) {
    if (entry->type != REDIS_REPLY_ARRAY || entry->elements == 0) return "0-0";
    return std::string(entry->element[0]->str, entry->element[0]->len);
  }

  std::string revocations_key() const { return prefix_ + ":revocations"; }
  std::string session_key(std::string_view id) const { return prefix_ + ":session:" + std::string(id); }
  std::string user_sessions_key(std::string_view user) const { return prefix_ + ":user-sessions:" + std::string(user); }

  std::error_code find_locked(std::string_view id, session_record& out) {
    auto r = command({"HGETALL", session_key(id)});
    if (!r) return errc::store_unavailable;
    if (r->type != REDIS_REPLY_ARRAY) return failed("find", r.get());
    if (r->elements == 0) return errc::session_unknown;
    out = session_record{};
    out.id = id;
    for (std::size_t i = 0; i + 1 < r->elements; i += 2) {
      const std::string_view field(r->element[i]->str, r->element[i]->len);
      const redisReply* value = r->element[i + 1];
      if (field == "user_id") out.user_id.assign(value->str, value->len);
      if (field == "created_at") out.created_at = std::chrono::sys_seconds(std::chrono::seconds(to_integer(value)));
      if (field == "expires_at") out.expires_at = std::chrono::sys_seconds(std::chrono::seconds(to_integer(value)));
      if (field == "revoked") out.revoked = to_integer(value) != 0;
    }
    return {};
  }

  std::error_code members(const std::string& key, std::vector<std::string>& ids) {
    auto r = command({"SMEMBERS", key});
    if (!r) return errc::store_unavailable;
    if (r->type != REDIS_REPLY_ARRAY) return failed("list", r.get());
    for (std::size_t i = 0; i < r->elements; ++i) ids.emplace_back(r->element[i]->str, r->element[i]->len);
    return {};
  }

  std::error_code scan_ids(std::vector<std::string>& ids) {
    const std::string pattern = prefix_ + ":session:*";
    const std::size_t id_offset = pattern.size() - 1;
    std::string cursor = "0";
    do {
      auto r = command({"SCAN", cursor, "MATCH", pattern, "COUNT", "1000"});
      if (!r) return errc::store_unavailable;
      if (r->type != REDIS_REPLY_ARRAY || r->elements != 2) return failed("list", r.get());
      cursor.assign(r->element[0]->str, r->element[0]->len);
      const redisReply* keys = r->element[1];
      for (std::size_t i = 0; i < keys->elements; ++i) {
        ids.emplace_back(keys->element[i]->str + id_offset, keys->element[i]->len - id_offset);
      }
    } while (cursor != "0");
    return {};
  }

  reply_ptr command(const std::vector<std::string>& args) {
    auto replies = pipeline({args});
    return replies.empty() ? nullptr : std::move(replies.front());
  }

  // Sends every command, then reads every reply; empty when the connection failed (it is dropped
  // and made again on the next call).
  std::vector<reply_ptr> pipeline(const std::vector<std::vector<std::string>>& commands) {
    if (!connect()) return {};
    for (const auto& args : commands) append(args);
    std::vector<reply_ptr> replies;
    for (std::size_t i = 0; i < commands.size(); ++i) {
      void* raw = nullptr;
      if (redisGetReply(context_.get(), &raw) != REDIS_OK) {
        log::warn("session store: Redis connection lost", {{"redis", address()}, {"error", context_->errstr}});
        context_.reset();
        return {};
      }
      replies.emplace_back(static_cast<redisReply*>(raw));
    }
    return replies;
  }

  void append(const std::vector<std::string>& args) {
    std::vector<const char*> argv;
    std::vector<std::size_t> lengths;
    for (const auto& a : args) {
      argv.push_back(a.data());
      lengths.push_back(a.size());
    }
    redisAppendCommandArgv(context_.get(), static_cast<int>(args.size()), argv.data(), lengths.data());
  }

  bool connect() {
    if (context_) return true;
    context_.reset(redisConnectWithTimeout(target_.host.c_str(), target_.port, connect_timeout));
    if (!context_ || context_->err) {
      log::warn("session store: cannot connect to Redis",
                {{"redis", address()}, {"error", context_ ? context_->errstr : "out of memory"}});
      context_.reset();
      return false;
    }
    redisSetTimeout(context_.get(), command_timeout);
    std::vector<std::vector<std::string>> setup;
    if (!target_.password.empty()) setup.push_back({"AUTH", target_.password});
    if (target_.db != 0) setup.push_back({"SELECT", std::to_string(target_.db)});
    for (const auto& args : setup) {
      append(args);
      void* raw = nullptr;
      if (redisGetReply(context_.get(), &raw) != REDIS_OK) {
        context_.reset();
        return false;
      }
      reply_ptr r(static_cast<redisReply*>(raw));
      if (r->type == REDIS_REPLY_ERROR) {
        log::warn("session store: Redis refused a command",
                  {{"command", args.front()}, {"error", std::string_view(r->str, r->len)}});
        context_.reset();
        return false;
      }
    }
    return true;
  }

  std::error_code failed(std::string_view what, const redisReply* r) {
    const std::string_view detail = r && r->type == REDIS_REPLY_ERROR ? std::string_view(r->str, r->len) : "unexpected reply";
    log::warn("session store: Redis command failed", {{"operation", what}, {"error", detail}});
    return errc::store_unavailable;
  }

  std::string address() const { return target_.host + ":" + std::to_string(target_.port); }

  redis_target target_;
  std::string prefix_;
  std::mutex mutex_;
  std::unique_ptr<redisContext, context_deleter> context_;
};

}  // namespace

std::unique_ptr<session_store> open_redis_session_store(const std::string& url, std::string key_prefix) {
  return std::make_unique<redis_session_store>(url, std::move(key_prefix));
}

}  // namespace switchboard::auth
