#include "switchboard/log/sampled.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <thread>

namespace slog = switchboard::log;

namespace {

std::size_t count_lines(const std::string& text, std::string_view needle) {
  std::size_t n = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

class LogSampling : public ::testing::Test {
 protected:
  void SetUp() override { slog::configure({.output = slog::format::text, .min_level = slog::level::info}, &out_); }
  void TearDown() override {
    slog::configure({}, nullptr);
    slog::configure_sampling({});
  }
  std::ostringstream out_;
};

}  // namespace

TEST_F(LogSampling, AFloodFromOneSourceWritesOneRecordPerWindow) {
  slog::configure_sampling({.window = std::chrono::hours(1)});
  const auto before = slog::suppressed_total();
  for (int i = 0; i < 10'000; ++i) slog::warn_sampled("flood-a", "invalid payload", {{"socket_id", "a"}});
  slog::warn_sampled("flood-b", "invalid payload", {{"socket_id", "b"}});
  EXPECT_EQ(count_lines(out_.str(), "socket_id=a"), 1u) << out_.str();
  EXPECT_EQ(count_lines(out_.str(), "socket_id=b"), 1u);
  EXPECT_EQ(slog::suppressed_total() - before, 9'999u);
}

TEST_F(LogSampling, TheFirstRecordAfterTheWindowCountsWhatWasLeftOut) {
  slog::configure_sampling({.window = std::chrono::hours(1)});
  for (int i = 0; i < 4; ++i) slog::warn_sampled("late", "invalid payload", {{"n", i}});
  slog::configure_sampling({.window = std::chrono::milliseconds(0)});
  slog::warn_sampled("late", "invalid payload", {{"n", 4}});
  EXPECT_NE(out_.str().find("n=0"), std::string::npos);
  EXPECT_NE(out_.str().find("n=4 suppressed=3"), std::string::npos) << out_.str();
}

TEST_F(LogSampling, NewSourcesPastTheTableSizeAreCountedNotWritten) {
  slog::configure_sampling({.window = std::chrono::hours(1), .max_sources = 2});
  std::thread fresh([] {  // the table is per thread: start from an empty one
    slog::warn_sampled("s1", "m", {{"src", "s1"}});
    slog::warn_sampled("s2", "m", {{"src", "s2"}});
    slog::warn_sampled("s3", "m", {{"src", "s3"}});
  });
  fresh.join();
  EXPECT_EQ(count_lines(out_.str(), "src=s3"), 0u);
  EXPECT_EQ(count_lines(out_.str(), "src=s1"), 1u);
}
