// The process-wide handle and the emitter's failure paths: never a throw, always a warning.
#include <gtest/gtest.h>

#include <future>
#include <sstream>
#include <thread>

#include "switchboard/http/server.hpp"
#include "switchboard/log/log.hpp"
#include "switchboard/realtime/options.hpp"
#include "switchboard/realtime/server.hpp"
#include "test_events.hpp"

namespace rt = switchboard::realtime;
namespace slog = switchboard::log;

namespace {

class Handle : public ::testing::Test {
 protected:
  void SetUp() override { slog::configure({.output = slog::format::text, .min_level = slog::level::debug}, &logs_); }
  void TearDown() override { slog::configure({}); }
  std::string logs() const { return logs_.str(); }
  std::ostringstream logs_;
};

test_events::Note note() {
  test_events::Note n;
  n.text = "hi";
  return n;
}

// A business operation that notifies its user; the notification may fail, the operation may not.
bool share_note(const std::string& user) {
  const std::error_code ec = rt::current().emit(test_events::note_shared, rt::to_users{{user}}, note());
  (void)ec;  // logged by the emitter
  return true;
}

TEST_F(Handle, IsEmptyWithNoServerAndEmitLogsInsteadOfThrowing) {
  EXPECT_FALSE(rt::current());
  EXPECT_TRUE(share_note("42"));
  EXPECT_EQ(rt::current().emit(test_events::note_shared, rt::to_users{{"42"}}, note()), rt::errc::not_attached);
  EXPECT_NE(logs().find("emit failed event=note:shared users=42 reason=\"no realtime server is attached\""),
            std::string::npos)
      << logs();
}

struct attached {
  switchboard::http::server http{{.address = "127.0.0.1", .port = 0, .threads = 2}};
  std::shared_ptr<rt::server> server = rt::server::attach(http, {});
  attached() { http.start(); }
  ~attached() {
    server->stop();
    http.stop();
  }
};

TEST_F(Handle, PointsAtTheAttachedServerUntilItStops) {
  rt::handle kept;
  {
    attached a;
    EXPECT_EQ(rt::current().get(), a.server.get());
    kept = rt::current();
    EXPECT_FALSE(kept.emit(test_events::note_shared, rt::to_users{{"42"}}, note()));
    a.server->stop();
    EXPECT_FALSE(rt::current());
    EXPECT_EQ(kept.emit(test_events::note_shared, rt::to_users{{"42"}}, note()), rt::errc::shutting_down);
    EXPECT_NE(logs().find("reason=\"the realtime server is shutting down\""), std::string::npos) << logs();
  }
  EXPECT_FALSE(rt::current());
}

TEST_F(Handle, RefusesASecondServer) {
  attached a;
  switchboard::http::server other({.address = "127.0.0.1", .port = 0, .threads = 1});
  EXPECT_THROW(rt::server::attach(other, {}), std::logic_error);
  EXPECT_EQ(rt::current().get(), a.server.get());
}

TEST_F(Handle, ReportsEmptyTargetsAndUnknownNamespaces) {
  attached a;
  EXPECT_EQ(rt::current().emit(test_events::note_shared, rt::to_users{}, note()), rt::errc::no_target);
  EXPECT_EQ(rt::current().emit(test_events::note_shared, rt::to_rooms{}, note()), rt::errc::no_target);
  EXPECT_EQ(rt::current().emit(test_events::note_shared, rt::to_everyone{}, note(), {.nsp = "/nowhere"}),
            rt::errc::unknown_namespace);
}

TEST_F(Handle, LogsEachEmissionWithItsRecipientCount) {
  attached a;
  std::promise<std::size_t> count;
  ASSERT_FALSE(rt::current().emit(test_events::note_shared, rt::to_rooms{{"chat:1"}}, note(),
                                  {.delivered = [&](std::size_t n) { count.set_value(n); }}));
  EXPECT_EQ(count.get_future().get(), 0u);
  EXPECT_NE(logs().find("emitted event=note:shared rooms=chat:1 recipients=0"), std::string::npos) << logs();
}

TEST_F(Handle, CanBeUsedFromManyThreadsWhileTheServerComesAndGoes) {
  std::atomic<bool> done{false};
  std::vector<std::thread> emitters;
  for (int i = 0; i < 4; ++i) {
    emitters.emplace_back([&] {
      while (!done) (void)rt::current().emit(test_events::note_shared, rt::to_users{{"7"}}, note());
    });
  }
  for (int round = 0; round < 5; ++round) attached a;
  done = true;
  for (auto& t : emitters) t.join();
  EXPECT_FALSE(rt::current());
}

}  // namespace
