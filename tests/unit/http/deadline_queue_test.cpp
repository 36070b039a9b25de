// http::deadline_queue: the deadlines of one shard's objects behind one timer.
#include "switchboard/http/deadline_queue.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <functional>
#include <string>
#include <vector>

namespace switchboard::http {
namespace {

using namespace std::chrono_literals;

struct target {
  std::string name;
};

std::shared_ptr<target> named(std::string name) { return std::make_shared<target>(target{std::move(name)}); }

// A queue on the test's own io_context; `on_due` runs after each target is recorded.
template <class Clock = std::chrono::steady_clock>
struct fixture {
  boost::asio::io_context io;
  std::vector<std::string> expired;
  std::function<void()> on_due;
  std::shared_ptr<deadline_queue<target, Clock>> queue = std::make_shared<deadline_queue<target, Clock>>(
      io.get_executor(), [this](target& t) {
        expired.push_back(t.name);
        if (on_due) on_due();
      });

  typename Clock::time_point in(typename Clock::duration d) const { return Clock::now() + d; }
  // Runs until every entry has had its time (or 30 s, far beyond any of them).
  void run() {
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while (queue->size() > 0 && std::chrono::steady_clock::now() < deadline) io.run_one_for(100ms);
    io.poll();
  }
};

TEST(DeadlineQueue, ExpiresEachTargetInTimeOrderWhateverTheOrderOfAdding) {
  fixture f;
  auto a = named("a"), b = named("b"), c = named("c");
  f.queue->add(f.in(60ms), a);
  f.queue->add(f.in(20ms), b);  // earlier than the armed time: the timer is moved forward
  f.queue->add(f.in(-1s), c);   // already past: expires at the next turn
  f.run();
  EXPECT_EQ(f.expired, (std::vector<std::string>{"c", "b", "a"}));
}

TEST(DeadlineQueue, ARemovedOrGoneTargetNeverExpires) {
  fixture f;
  auto kept = named("kept"), removed = named("removed"), gone = named("gone");
  const auto key = f.queue->add(f.in(10ms), removed);
  f.queue->add(f.in(10ms), gone);
  f.queue->add(f.in(30ms), kept);
  f.queue->remove(key);
  f.queue->remove(key);  // twice: ignored
  gone.reset();
  f.run();
  EXPECT_EQ(f.expired, (std::vector<std::string>{"kept"}));
}

TEST(DeadlineQueue, AHandlerMayRemoveEntriesIncludingItsOwn) {
  fixture f;
  auto first = named("first"), second = named("second");
  const auto own = f.queue->add(f.in(5ms), first);
  const auto other = f.queue->add(f.in(50ms), second);
  f.on_due = [&] {
    f.queue->remove(own);    // as a socket's disconnect handler does
    f.queue->remove(other);  // a later entry, gone before its time
  };
  f.run();
  EXPECT_EQ(f.expired, (std::vector<std::string>{"first"}));
}

TEST(DeadlineQueue, AQueueDestroyedWithAWaitPendingRunsNothing) {
  fixture f;
  auto t = named("t");
  f.queue->add(f.in(0ms), t);
  f.queue.reset();
  f.io.run_for(50ms);
  EXPECT_TRUE(f.expired.empty());
}

TEST(DeadlineQueue, OnTheSystemClockForWallClockTimes) {
  fixture<std::chrono::system_clock> f;
  auto t = named("credential");
  f.queue->add(f.in(10ms), t);
  f.run();
  EXPECT_EQ(f.expired, (std::vector<std::string>{"credential"}));
}

}  // namespace
}  // namespace switchboard::http
