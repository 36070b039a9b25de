// Both session stores, through the same cases: SQLite in a scratch file, Redis started by the test,
// and a Redis Cluster (3 masters, 3 replicas) shared by the cases, each with its own key prefix.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "slots.hpp"

#include "../../support/eventually.hpp"
#include "../../support/redis_cluster.hpp"
#include "../../support/redis_server.hpp"
#include "switchboard/auth/error.hpp"
#include "switchboard/auth/session_store.hpp"

namespace auth = switchboard::auth;
using namespace std::chrono_literals;

namespace {

std::filesystem::path scratch_dir() {
  auto dir = std::filesystem::temp_directory_path() / ("switchboard-sessions-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  return dir;
}

// Started on first use, stopped at exit.
test_support::redis_cluster& shared_cluster() {
  static test_support::redis_cluster cluster;
  return cluster;
}

// "redis://127.0.0.1:P1,redis://127.0.0.1:P2": two seeds of the cluster.
std::string cluster_seeds() {
  const auto ports = shared_cluster().ports();
  return "redis://127.0.0.1:" + std::to_string(ports[0]) + ",redis://127.0.0.1:" + std::to_string(ports[1]);
}

class SessionStore : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "redis_cluster") {
      static int prefixes = 0;
      store_ = auth::open_redis_session_store(cluster_seeds(), "test" + std::to_string(++prefixes));
    } else if (GetParam() == "sqlite") {
      static int files = 0;
      file_ = scratch_dir() / ("sessions-" + std::to_string(++files) + ".db");
      std::filesystem::remove(file_);
      store_ = auth::open_sqlite_session_store(file_.string());
    } else {
      redis_ = std::make_unique<test_support::redis_server>();
      store_ = auth::open_redis_session_store(redis_->url(), "test");
    }
  }

  // Everything the store holds, as bytes: for checking that no token is ever in it.
  std::string stored_bytes() {
    if (GetParam() == "sqlite") {
      store_.reset();  // flushes the WAL into the file
      std::ifstream in(file_, std::ios::binary);
      std::ostringstream all;
      all << in.rdbuf();
      return all.str();
    }
    std::string dump;
    const auto ports = redis_ ? std::vector<int>{redis_->port()} : shared_cluster().ports();
    for (const int port : ports) dump += dump_of(port);
    return dump;
  }

  // Every key of one Redis and the fields of its hashes, as redis-cli prints them.
  static std::string dump_of(int port) {
    std::string dump;
    const std::string cmd = "redis-cli -p " + std::to_string(port) +
                            " --no-raw EVAL_RO \"local out = {} for _, k in ipairs(redis.call('KEYS', '*')) do "
                            "out[#out+1] = k if redis.call('TYPE', k).ok == 'hash' then "
                            "for _, v in ipairs(redis.call('HGETALL', k)) do out[#out+1] = v end end end return out\" 0";
    FILE* pipe = popen(cmd.c_str(), "r");
    char buffer[4096];
    while (std::size_t n = fread(buffer, 1, sizeof buffer, pipe)) dump.append(buffer, n);
    pclose(pipe);
    return dump;
  }

  std::filesystem::path file_;
  std::unique_ptr<test_support::redis_server> redis_;
  std::unique_ptr<auth::session_store> store_;
};

auth::session_record record(std::string id, std::string user, std::chrono::sys_seconds created) {
  return auth::session_record{.id = std::move(id), .user_id = std::move(user), .created_at = created,
                              .expires_at = created + 1h, .revoked = false};
}

const auto t0 = std::chrono::sys_seconds(std::chrono::seconds(1'800'000'000));

TEST_P(SessionStore, FindsWhatItStored) {
  ASSERT_FALSE(store_->insert(record("aa11", "42", t0)));
  auth::session_record found;
  ASSERT_FALSE(store_->find("aa11", found));
  EXPECT_EQ(found.id, "aa11");
  EXPECT_EQ(found.user_id, "42");
  EXPECT_EQ(found.created_at, t0);
  EXPECT_EQ(found.expires_at, t0 + 1h);
  EXPECT_FALSE(found.revoked);
}

TEST_P(SessionStore, UnknownIdIsSessionUnknown) {
  auth::session_record found;
  EXPECT_EQ(store_->find("nope", found), auth::errc::session_unknown);
  EXPECT_EQ(store_->revoke("nope"), auth::errc::session_unknown);
}

TEST_P(SessionStore, RevokeMarksTheSession) {
  ASSERT_FALSE(store_->insert(record("bb22", "7", t0)));
  ASSERT_FALSE(store_->revoke("bb22"));
  auth::session_record found;
  ASSERT_FALSE(store_->find("bb22", found));
  EXPECT_TRUE(found.revoked);
}

TEST_P(SessionStore, TheRevocationLogGivesWhatWasRevokedAfterItsHead) {
  ASSERT_FALSE(store_->insert(record("old1", "7", t0)));
  ASSERT_FALSE(store_->insert(record("new1", "7", t0)));
  ASSERT_FALSE(store_->insert(record("new2", "8", t0)));
  ASSERT_FALSE(store_->revoke("old1"));  // before the watcher started: refused at connect already
  std::string cursor;
  ASSERT_FALSE(store_->revocation_head(cursor));
  std::vector<std::string> ids;
  ASSERT_FALSE(store_->revoked_after(cursor, ids));
  EXPECT_TRUE(ids.empty());
  ASSERT_FALSE(store_->revoke("new1"));
  ASSERT_FALSE(store_->revoke("new2"));
  EXPECT_EQ(store_->revoke("nope"), auth::errc::session_unknown);  // logs nothing
  ASSERT_FALSE(store_->revoked_after(cursor, ids));
  EXPECT_EQ(ids, (std::vector<std::string>{"new1", "new2"}));
  ids.clear();
  ASSERT_FALSE(store_->revoked_after(cursor, ids));  // the cursor moved past them
  EXPECT_TRUE(ids.empty());
}

TEST_P(SessionStore, ListsAllOrOneUsersOldestFirst) {
  ASSERT_FALSE(store_->insert(record("c3", "alice", t0 + 2s)));
  ASSERT_FALSE(store_->insert(record("c1", "bob", t0)));
  ASSERT_FALSE(store_->insert(record("c2", "alice", t0 + 1s)));
  std::vector<auth::session_record> all, alice;
  ASSERT_FALSE(store_->list(std::nullopt, all));
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].id, "c1");
  EXPECT_EQ(all[1].id, "c2");
  EXPECT_EQ(all[2].id, "c3");
  ASSERT_FALSE(store_->list("alice", alice));
  ASSERT_EQ(alice.size(), 2u);
  EXPECT_EQ(alice[0].id, "c2");
  EXPECT_EQ(alice[1].id, "c3");
}

TEST_P(SessionStore, CreatedSessionsKeepOnlyTheHashOfTheToken) {
  auth::issued_session issued;
  ASSERT_FALSE(auth::create_session(*store_, "42", 1h, issued));
  EXPECT_TRUE(auth::looks_like_session_token(issued.token)) << issued.token;
  EXPECT_EQ(issued.record.id, auth::session_id_of(issued.token));
  EXPECT_EQ(issued.record.id.size(), 64u);
  EXPECT_EQ(issued.record.expires_at - issued.record.created_at, 1h);
  auth::session_record found;
  ASSERT_FALSE(store_->find(issued.record.id, found));
  EXPECT_EQ(found.user_id, "42");

  const std::string bytes = stored_bytes();
  EXPECT_NE(bytes.find(issued.record.id), std::string::npos) << "the dump does not show the store's content";
  EXPECT_EQ(bytes.find(issued.token.substr(4)), std::string::npos) << "the token itself is stored";
}

INSTANTIATE_TEST_SUITE_P(Stores, SessionStore, ::testing::Values("sqlite", "redis", "redis_cluster"),
                         [](const auto& info) { return info.param; });

TEST(SessionToken, HasItsFormatAndIsFreshEachTime) {
  EXPECT_TRUE(auth::looks_like_session_token("sbs_" + std::string(43, 'A')));
  EXPECT_FALSE(auth::looks_like_session_token("sbs_" + std::string(42, 'A')));
  EXPECT_FALSE(auth::looks_like_session_token("sbs_" + std::string(42, 'A') + "="));
  EXPECT_FALSE(auth::looks_like_session_token("xyz_" + std::string(43, 'A')));
  // SHA-256("abc"), FIPS 180-2 appendix B.1
  EXPECT_EQ(auth::session_id_of("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(RedisSessionStore, ReportsAnOutageAndRecoversWhenRedisIsBack) {
  test_support::redis_server redis;
  auto store = auth::open_redis_session_store(redis.url(), "test");
  ASSERT_FALSE(store->insert(record("dd44", "9", t0)));
  redis.stop();
  auth::session_record found;
  EXPECT_EQ(store->find("dd44", found), auth::errc::store_unavailable);
  redis.start();  // empty again: no persistence
  EXPECT_EQ(store->find("dd44", found), auth::errc::session_unknown);
  ASSERT_FALSE(store->insert(record("dd44", "9", t0)));
  EXPECT_FALSE(store->find("dd44", found));
}

TEST(RedisSessionStore, FindsItsSessionsAgainAfterAFailover) {
  test_support::redis_cluster cluster;
  const auto ports = cluster.ports();
  const std::string key = "failover:session:ee55";
  const int doomed = cluster.master_port_of(switchboard::cluster::detail::key_slot(key));
  ASSERT_GT(doomed, 0);
  const int seed = ports[0] == doomed ? ports[1] : ports[0];
  auto store = auth::open_redis_session_store("redis://127.0.0.1:" + std::to_string(seed), "failover");
  ASSERT_FALSE(store->insert(record("ee55", "9", t0)));
  auth::session_record found;
  ASSERT_FALSE(store->find("ee55", found));
  // Replication is asynchronous: the record must have reached a replica before its master dies.
  ASSERT_TRUE(switchboard::test::eventually(
      [&] {
        for (const int port : ports) {
          if (port == doomed) continue;
          const auto answer = test_support::redis_server::ask(port, "READONLY\r\nEXISTS " + key + "\r\n");
          if (answer.find(":1") != std::string::npos) return true;
        }
        return false;
      },
      10s));

  cluster.crash(doomed);
  // Until the replica takes over, the store says it is unavailable (never that the session is unknown).
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  std::error_code ec;
  while ((ec = store->find("ee55", found)) && std::chrono::steady_clock::now() < deadline) {
    EXPECT_EQ(ec, auth::errc::store_unavailable);
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_EQ(found.user_id, "9");  // the replica had it
}

TEST(RedisSessionStore, RefusesABadUrl) {
  EXPECT_THROW(auth::open_redis_session_store("http://localhost"), std::invalid_argument);
  EXPECT_THROW(auth::open_redis_session_store("redis://localhost/x"), std::invalid_argument);
}

TEST(SqliteSessionStore, RefusesAnUnopenableFile) {
  EXPECT_THROW(auth::open_sqlite_session_store("/nonexistent-dir/x/sessions.db"), std::runtime_error);
}

}  // namespace
