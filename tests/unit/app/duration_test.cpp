#include "duration.hpp"

#include <gtest/gtest.h>

using switchboard::app::parse_duration;
using namespace std::chrono_literals;

TEST(ParseDuration, ReadsEachUnit) {
  EXPECT_EQ(parse_duration("90"), 90s);
  EXPECT_EQ(parse_duration("90s"), 90s);
  EXPECT_EQ(parse_duration("15m"), 15min);
  EXPECT_EQ(parse_duration("1h"), 1h);
  EXPECT_EQ(parse_duration("7d"), 7 * 24h);
  EXPECT_EQ(parse_duration("0s"), 0s);
}

TEST(ParseDuration, RefusesEverythingElse) {
  for (const char* bad : {"", "h", "-1h", "1w", "1.5h", "1h ", " 1h", "1hh", "99999999999999999999d", "9223372036854775807d"}) {
    EXPECT_EQ(parse_duration(bad), std::nullopt) << bad;
  }
}
