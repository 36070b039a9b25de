#include "duration.hpp"

#include <gtest/gtest.h>

using switchboard::app::parse_duration;
using switchboard::app::parse_milliseconds;
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

TEST(ParseMilliseconds, ReadsMillisecondsAndEveryOtherUnit) {
  EXPECT_EQ(parse_milliseconds("500ms"), 500ms);
  EXPECT_EQ(parse_milliseconds("5s"), 5000ms);
  EXPECT_EQ(parse_milliseconds("5"), 5000ms);
  EXPECT_EQ(parse_milliseconds("2m"), 120'000ms);
  for (const char* bad : {"", "ms", "-5ms", "5 ms", "5mss", "1.5s", "9223372036854775807s"}) {
    EXPECT_EQ(parse_milliseconds(bad), std::nullopt) << bad;
  }
}

TEST(ParseDuration, HasNoMillisecondUnit) { EXPECT_EQ(parse_duration("500ms"), std::nullopt); }
