// The admin UI's login sessions: fresh ids, valid for their time, bounded in number.
#include <gtest/gtest.h>

#include <set>

#include "login_sessions.hpp"

namespace switchboard::admin::detail {
namespace {

using namespace std::chrono_literals;

TEST(LoginSessions, IdsAreSixteenHexCharactersAndFresh) {
  login_sessions sessions(100, 1h);
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    const std::string id = sessions.open();
    EXPECT_EQ(id.size(), 16u);
    EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos) << id;
    EXPECT_TRUE(seen.insert(id).second);
    EXPECT_TRUE(sessions.valid(id));
  }
  EXPECT_FALSE(sessions.valid("0123456789abcdef"));
  EXPECT_FALSE(sessions.valid(""));
}

TEST(LoginSessions, ExpireAfterTheirTime) {
  login_sessions sessions(10, 60s);
  const auto t0 = login_sessions::clock::now();
  const std::string id = sessions.open(t0);
  EXPECT_TRUE(sessions.valid(id, t0 + 59s));
  EXPECT_FALSE(sessions.valid(id, t0 + 60s));
  EXPECT_EQ(sessions.size(), 0u);
}

TEST(LoginSessions, TheOldestGoesWhenFull) {
  login_sessions sessions(3, 1h);
  const std::string first = sessions.open();
  for (int i = 0; i < 3; ++i) (void)sessions.open();
  EXPECT_FALSE(sessions.valid(first));
  EXPECT_EQ(sessions.size(), 3u);
}

TEST(LoginSessions, NoneRememberedWithNoRoom) {
  login_sessions sessions(0, 1h);
  EXPECT_FALSE(sessions.valid(sessions.open()));
}

}  // namespace
}  // namespace switchboard::admin::detail
