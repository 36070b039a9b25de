#include "switchboard/auth/revocation_watcher.hpp"

#include <gtest/gtest.h>

#include <boost/asio/thread_pool.hpp>
#include <algorithm>
#include <condition_variable>
#include <filesystem>
#include <mutex>

namespace auth = switchboard::auth;
using namespace std::chrono_literals;

namespace {

// Collects what the watcher hands over, from its worker thread.
struct revoked_ids {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::string> ids;

  void add(const std::vector<std::string>& more) {
    std::lock_guard lock(mutex);
    ids.insert(ids.end(), more.begin(), more.end());
    changed.notify_all();
  }
  bool wait_for(std::size_t n) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, 10s, [&] { return ids.size() >= n; });
  }
};

std::filesystem::path scratch(const char* name) {
  const auto file = std::filesystem::temp_directory_path() / name;
  std::filesystem::remove(file);
  return file;
}

}  // namespace

TEST(RevocationWatcher, HandsOverSessionsRevokedAfterItStarted) {
  std::shared_ptr<auth::session_store> store = auth::open_sqlite_session_store(scratch("watcher-sessions.db").string());
  const auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  for (const char* id : {"before", "after1", "after2"}) {
    ASSERT_FALSE(store->insert({.id = id, .user_id = "u", .created_at = now, .expires_at = now + 1h}));
  }
  ASSERT_FALSE(store->revoke("before"));

  boost::asio::thread_pool workers(2);
  revoked_ids seen;
  auto watcher = std::make_shared<auth::revocation_watcher>(store, workers.get_executor(), 20ms,
                                                            [&](const std::vector<std::string>& ids) { seen.add(ids); });
  watcher->start();  // reads the head: what is revoked from here on is handed over
  ASSERT_FALSE(store->revoke("after1"));
  ASSERT_FALSE(store->revoke("after2"));
  ASSERT_TRUE(seen.wait_for(2));
  watcher->stop();
  workers.join();
  std::lock_guard lock(seen.mutex);
  EXPECT_EQ(std::count(seen.ids.begin(), seen.ids.end(), "before"), 0);
  EXPECT_EQ(std::count(seen.ids.begin(), seen.ids.end(), "after1"), 1);
  EXPECT_EQ(std::count(seen.ids.begin(), seen.ids.end(), "after2"), 1);
  EXPECT_EQ(watcher->revoked_total(), 2u);
}
