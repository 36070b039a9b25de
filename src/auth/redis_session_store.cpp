// Sessions in Redis: the hash <prefix>:session:<id> {user_id, created_at, expires_at, revoked},
// the set <prefix>:user-sessions:<user_id> of a user's ids, and the stream (and channel)
// <prefix>:revocations of revoked ids. Blocking hiredis connections behind a mutex: calls come
// from the worker pool and the CLI, never from a loop thread. Every command touches one key, so
// that a Redis Cluster takes them: each goes to the master of its key's slot (CLUSTER SLOTS, read
// again after a MOVED), one connection per master. A single Redis refuses CLUSTER SLOTS.
#include <hiredis/hiredis.h>

#include <algorithm>
#include <boost/url/parse.hpp>
#include <charconv>
#include <map>
#include <mutex>
#include <stdexcept>

#include "slots.hpp"  // cluster/'s key slots and redirections, sans-I/O
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

redis_target parse_url(std::string_view url) {
  const auto parsed = boost::urls::parse_uri(url);  // one URL of the comma-separated list
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

// `urls`: one, or several (the seeds of a Redis Cluster) separated by commas.
std::vector<redis_target> parse_urls(std::string_view urls) {
  std::vector<redis_target> out;
  while (true) {
    const auto comma = urls.find(',');
    std::string_view url = urls.substr(0, comma);
    while (!url.empty() && url.front() == ' ') url.remove_prefix(1);
    while (!url.empty() && url.back() == ' ') url.remove_suffix(1);
    out.push_back(parse_url(url));
    if (comma == std::string_view::npos) return out;
    urls.remove_prefix(comma + 1);
  }
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
  redis_session_store(const std::string& urls, std::string key_prefix)
      : seeds_(parse_urls(urls)), prefix_(std::move(key_prefix)) {}

  std::error_code insert(const session_record& r) override {
    std::lock_guard lock(mutex_);
    const std::string key = session_key(r.id);
    const std::string created = std::to_string(r.created_at.time_since_epoch().count());
    const std::string expires = std::to_string(r.expires_at.time_since_epoch().count());
    const std::string forget = std::to_string((r.expires_at + kept_after_expiry).time_since_epoch().count());
    const std::string user_key = user_sessions_key(r.user_id);
    // MULTI/EXEC per key, pipelined, so that a record never exists without its expiry; one key per
    // transaction, as a Redis Cluster needs (the two keys live in different slots).
    auto record = pipeline_on(key, {{"MULTI"},
                                    {"HSET", key, "user_id", r.user_id, "created_at", created, "expires_at", expires,
                                     "revoked", r.revoked ? "1" : "0"},
                                    {"EXPIREAT", key, forget},
                                    {"EXEC"}});
    if (record.empty()) return errc::store_unavailable;
    if (record.back()->type != REDIS_REPLY_ARRAY) return failed("insert", record.back().get());
    auto index = pipeline_on(user_key, {{"MULTI"}, {"SADD", user_key, r.id}, {"EXPIREAT", user_key, forget}, {"EXEC"}});
    if (index.empty()) return errc::store_unavailable;
    return index.back()->type == REDIS_REPLY_ARRAY ? std::error_code() : failed("insert", index.back().get());
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
    // Only if the session exists, so that revoking an unknown id creates nothing. Then the
    // revocation goes to the log that servers read (a stream, so that a server that was away reads
    // it too) and to a channel for anyone else listening. Separate commands: the keys live in
    // different slots of a Redis Cluster. A failure after the first is reported, and revoking
    // again completes it.
    const std::string key = session_key(id);
    auto r = command_on(key, {"EVAL",
                              "if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end "
                              "redis.call('HSET', KEYS[1], 'revoked', '1') return 1",
                              "1", key});
    if (!r) return errc::store_unavailable;
    if (r->type != REDIS_REPLY_INTEGER) return failed("revoke", r.get());
    if (r->integer == 0) return errc::session_unknown;
    const std::string log = revocations_key();
    auto logged = command_on(log, {"XADD", log, "MAXLEN", "~", std::to_string(revocations_kept), "*", "id", std::string(id)});
    if (!logged) return errc::store_unavailable;
    if (logged->type == REDIS_REPLY_ERROR) return failed("revoke", logged.get());
    (void)command_on(log, {"PUBLISH", log, std::string(id)});  // a notice only: the stream is what servers read
    return {};
  }

  std::error_code revocation_head(std::string& cursor) override {
    std::lock_guard lock(mutex_);
    auto r = command_on(revocations_key(), {"XREVRANGE", revocations_key(), "+", "-", "COUNT", "1"});
    if (!r) return errc::store_unavailable;
    if (r->type != REDIS_REPLY_ARRAY) return failed("revocation_head", r.get());
    cursor = r->elements == 0 ? "0-0" : entry_id(r->element[0]);
    return {};
  }

  std::error_code revoked_after(std::string& cursor, std::vector<std::string>& ids) override {
    std::lock_guard lock(mutex_);
    auto r = command_on(revocations_key(),
                        {"XRANGE", revocations_key(), "(" + cursor, "+", "COUNT", std::to_string(revocations_per_read)});
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
    const std::string key = session_key(id);
    auto r = command_on(key, {"HGETALL", key});
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
    auto r = command_on(key, {"SMEMBERS", key});
    if (!r) return errc::store_unavailable;
    if (r->type != REDIS_REPLY_ARRAY) return failed("list", r.get());
    for (std::size_t i = 0; i < r->elements; ++i) ids.emplace_back(r->element[i]->str, r->element[i]->len);
    return {};
  }

  // SCAN on every master (one, on a single Redis).
  std::error_code scan_ids(std::vector<std::string>& ids) {
    const std::string pattern = prefix_ + ":session:*";
    const std::size_t id_offset = pattern.size() - 1;
    if (!read_topology()) return errc::store_unavailable;
    for (const auto& node : masters()) {
      std::string cursor = "0";
      do {
        auto replies = pipeline(node, {{"SCAN", cursor, "MATCH", pattern, "COUNT", "1000"}});
        if (replies.empty()) return errc::store_unavailable;
        const redisReply* r = replies.front().get();
        if (r->type != REDIS_REPLY_ARRAY || r->elements != 2) return failed("list", r);
        cursor.assign(r->element[0]->str, r->element[0]->len);
        const redisReply* keys = r->element[1];
        for (std::size_t i = 0; i < keys->elements; ++i) {
          ids.emplace_back(keys->element[i]->str + id_offset, keys->element[i]->len - id_offset);
        }
      } while (cursor != "0");
    }
    return {};
  }

  // ---- where each key goes ----

  using node = cluster::detail::node_address;

  // Which master serves each slot, from CLUSTER SLOTS; a single Redis (which refuses it) serves
  // them all. Read on first use and again after a MOVED; false when no seed answers.
  bool read_topology(bool again = false) {
    if (topology_read_ && !again) return true;
    for (const auto& seed : seeds_) {
      const node at{seed.host, static_cast<std::uint16_t>(seed.port)};
      auto replies = pipeline(at, {{"CLUSTER", "SLOTS"}});
      if (replies.empty()) continue;
      const redisReply* r = replies.front().get();
      slot_ranges_.clear();
      if (r->type == REDIS_REPLY_ERROR) {  // "cluster support disabled": one Redis
        single_ = at;
      } else if (r->type == REDIS_REPLY_ARRAY) {
        single_.reset();
        for (std::size_t i = 0; i < r->elements; ++i) {
          const redisReply* range = r->element[i];
          if (range->type != REDIS_REPLY_ARRAY || range->elements < 3) continue;
          const redisReply* master = range->element[2];
          if (master->type != REDIS_REPLY_ARRAY || master->elements < 2) continue;
          std::string host(master->element[0]->str, master->element[0]->len);
          if (host.empty()) host = at.host;
          slot_ranges_.push_back({static_cast<std::uint16_t>(range->element[0]->integer),
                                  static_cast<std::uint16_t>(range->element[1]->integer),
                                  node{host, static_cast<std::uint16_t>(master->element[1]->integer)}});
        }
      } else {
        continue;
      }
      topology_read_ = true;
      return true;
    }
    return false;
  }

  std::optional<node> owner_of(std::string_view key) const {
    if (single_) return single_;
    const std::uint16_t slot = cluster::detail::key_slot(key);
    for (const auto& range : slot_ranges_) {
      if (slot >= range.first && slot <= range.last) return range.owner;
    }
    return std::nullopt;
  }

  std::vector<node> masters() const {
    if (single_) return {*single_};
    std::vector<node> out;
    for (const auto& range : slot_ranges_) {
      if (std::find(out.begin(), out.end(), range.owner) == out.end()) out.push_back(range.owner);
    }
    return out;
  }

  // Runs `commands` on the master of `key`'s slot. A MOVED (the slot went elsewhere) reads the
  // topology again and runs them once more there; an ASK runs them once at the node it names.
  std::vector<reply_ptr> pipeline_on(std::string_view key, std::vector<std::vector<std::string>> commands) {
    if (!read_topology()) return {};
    const auto owner = owner_of(key);
    if (!owner) return {};
    auto replies = pipeline(*owner, commands);
    const auto redirect = redirection_in(replies);
    if (!redirect) return replies;
    if (redirect->ask) {
      commands.insert(commands.begin(), {"ASKING"});
      auto asked = pipeline(redirect->to, commands);
      if (!asked.empty()) asked.erase(asked.begin());
      return asked;
    }
    if (!read_topology(true)) return {};
    const auto moved_to = owner_of(key);
    return moved_to ? pipeline(*moved_to, commands) : std::vector<reply_ptr>{};
  }

  reply_ptr command_on(std::string_view key, std::vector<std::string> args) {
    auto replies = pipeline_on(key, {std::move(args)});
    return replies.empty() ? nullptr : std::move(replies.front());
  }

  // A MOVED or ASK among the replies (inside MULTI it is the queued command's answer).
  static std::optional<cluster::detail::redirection> redirection_in(const std::vector<reply_ptr>& replies) {
    for (const auto& r : replies) {
      if (r->type != REDIS_REPLY_ERROR) continue;
      if (auto redirect = cluster::detail::parse_redirection(std::string_view(r->str, r->len))) return redirect;
    }
    return std::nullopt;
  }

  // Sends every command to `at`, then reads every reply; empty when the connection failed (it is
  // dropped and made again on the next call).
  std::vector<reply_ptr> pipeline(const node& at, const std::vector<std::vector<std::string>>& commands) {
    redisContext* c = connection(at);
    if (!c) {
      topology_read_ = false;  // a master may have failed over: ask again next time
      return {};
    }
    for (const auto& args : commands) append(c, args);
    std::vector<reply_ptr> replies;
    for (std::size_t i = 0; i < commands.size(); ++i) {
      void* raw = nullptr;
      if (redisGetReply(c, &raw) != REDIS_OK) {
        log::warn("session store: Redis connection lost", {{"redis", address(at)}, {"error", c->errstr}});
        contexts_.erase(at);
        topology_read_ = false;
        return {};
      }
      replies.emplace_back(static_cast<redisReply*>(raw));
    }
    return replies;
  }

  static void append(redisContext* c, const std::vector<std::string>& args) {
    std::vector<const char*> argv;
    std::vector<std::size_t> lengths;
    for (const auto& a : args) {
      argv.push_back(a.data());
      lengths.push_back(a.size());
    }
    redisAppendCommandArgv(c, static_cast<int>(args.size()), argv.data(), lengths.data());
  }

  // The connection to `at`, made (with AUTH and SELECT as the first seed's URL says) if needed.
  redisContext* connection(const node& at) {
    if (const auto it = contexts_.find(at); it != contexts_.end()) return it->second.get();
    std::unique_ptr<redisContext, context_deleter> c(redisConnectWithTimeout(at.host.c_str(), at.port, connect_timeout));
    if (!c || c->err) {
      log::warn("session store: cannot connect to Redis", {{"redis", address(at)}, {"error", c ? c->errstr : "out of memory"}});
      return nullptr;
    }
    redisSetTimeout(c.get(), command_timeout);
    const redis_target& credentials = seeds_.front();
    std::vector<std::vector<std::string>> setup;
    if (!credentials.password.empty()) setup.push_back({"AUTH", credentials.password});
    if (credentials.db != 0) setup.push_back({"SELECT", std::to_string(credentials.db)});
    for (const auto& args : setup) {
      append(c.get(), args);
      void* raw = nullptr;
      if (redisGetReply(c.get(), &raw) != REDIS_OK) return nullptr;
      reply_ptr r(static_cast<redisReply*>(raw));
      if (r->type == REDIS_REPLY_ERROR) {
        log::warn("session store: Redis refused a command",
                  {{"command", args.front()}, {"error", std::string_view(r->str, r->len)}});
        return nullptr;
      }
    }
    return contexts_.emplace(at, std::move(c)).first->second.get();
  }

  std::error_code failed(std::string_view what, const redisReply* r) {
    const std::string_view detail = r && r->type == REDIS_REPLY_ERROR ? std::string_view(r->str, r->len) : "unexpected reply";
    log::warn("session store: Redis command failed", {{"operation", what}, {"error", detail}});
    return errc::store_unavailable;
  }

  static std::string address(const node& at) { return at.host + ":" + std::to_string(at.port); }

  const std::vector<redis_target> seeds_;
  const std::string prefix_;
  std::mutex mutex_;  // guards everything below
  std::map<node, std::unique_ptr<redisContext, context_deleter>> contexts_;
  bool topology_read_ = false;
  std::optional<node> single_;            // a single Redis: it serves every key
  struct slot_range {
    std::uint16_t first = 0;
    std::uint16_t last = 0;
    node owner;
  };
  std::vector<slot_range> slot_ranges_;  // a Redis Cluster: the master of each range of slots
};

}  // namespace

std::unique_ptr<session_store> open_redis_session_store(const std::string& url, std::string key_prefix) {
  return std::make_unique<redis_session_store>(url, std::move(key_prefix));
}

}  // namespace switchboard::auth
