// stop_signals: SIGINT and SIGTERM blocked, then received by wait() instead of ending the process.
#include "switchboard/http/stop_signals.hpp"

#include <gtest/gtest.h>
#include <pthread.h>

namespace switchboard::http {
namespace {

TEST(stop_signals, wait_receives_sigterm_and_sigint_instead_of_dying) {
  const stop_signals stop;
  // Sent to this thread, which blocks them now: they stay pending until wait() takes them.
  ASSERT_EQ(pthread_kill(pthread_self(), SIGTERM), 0);
  EXPECT_EQ(stop.wait(), SIGTERM);
  ASSERT_EQ(pthread_kill(pthread_self(), SIGINT), 0);
  EXPECT_EQ(stop.wait(), SIGINT);
}

}  // namespace
}  // namespace switchboard::http
