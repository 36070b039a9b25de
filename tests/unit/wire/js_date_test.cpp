#include "js_date.hpp"
#include "switchboard/wire/js_date.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <limits>
#include <optional>
#include <string>

namespace detail = switchboard::wire::detail;

namespace {

std::optional<std::string> to_json(double ms) {
  const auto text = detail::js_date_to_json(ms);
  if (!text) return std::nullopt;
  return std::string(text->view());
}

}  // namespace

// Expected values are what Node's `new Date(ms).toJSON()` prints.
TEST(js_date, formats_as_date_to_json) {
  EXPECT_EQ(to_json(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(to_json(1700000000123), "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(to_json(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(to_json(-0.0), "1970-01-01T00:00:00.000Z");
}

TEST(js_date, truncates_toward_zero) {
  EXPECT_EQ(to_json(1.9), "1970-01-01T00:00:00.001Z");
  EXPECT_EQ(to_json(-1.5), "1969-12-31T23:59:59.999Z");
}

TEST(js_date, years_outside_0_to_9999_use_the_expanded_form) {
  EXPECT_EQ(to_json(253402300799999), "9999-12-31T23:59:59.999Z");
  EXPECT_EQ(to_json(253402300800000), "+010000-01-01T00:00:00.000Z");
  EXPECT_EQ(to_json(-62167219200000), "0000-01-01T00:00:00.000Z");
  EXPECT_EQ(to_json(-62167219200001), "-000001-12-31T23:59:59.999Z");
  EXPECT_EQ(to_json(-62198755200000), "-000001-01-01T00:00:00.000Z");
}

TEST(js_date, invalid_beyond_8_64e15) {
  EXPECT_EQ(to_json(8.64e15), "+275760-09-13T00:00:00.000Z");
  EXPECT_EQ(to_json(-8.64e15), "-271821-04-20T00:00:00.000Z");
  EXPECT_EQ(to_json(8.64e15 + 1), std::nullopt);
  EXPECT_EQ(to_json(-8.64e15 - 1), std::nullopt);
  EXPECT_EQ(to_json(std::numeric_limits<double>::infinity()), std::nullopt);
  EXPECT_EQ(to_json(std::nan("")), std::nullopt);
}

TEST(js_date, to_js_date_writes_a_time_point_as_javascript_does) {
  using namespace std::chrono;
  // new Date(1796226000123).toJSON() in Node.js.
  EXPECT_EQ(switchboard::wire::to_js_date(system_clock::time_point(milliseconds(1796226000123))),
            "2026-12-02T15:40:00.123Z");
  EXPECT_EQ(switchboard::wire::to_js_date(system_clock::time_point(microseconds(1999))), "1970-01-01T00:00:00.001Z");
  EXPECT_EQ(switchboard::wire::to_js_date(system_clock::time_point(milliseconds(-1))), "1969-12-31T23:59:59.999Z");
}
