#include "switchboard/log/log.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace slog = switchboard::log;

TEST(LogRender, TextQuotesOnlyWhatNeedsIt) {
  EXPECT_EQ(slog::render(slog::format::text, "connected", {{"user_id", "42"}, {"reason", "client namespace disconnect"}}),
            "connected user_id=42 reason=\"client namespace disconnect\"");
  EXPECT_EQ(slog::render(slog::format::text, "m", {{"empty", ""}, {"n", 7}}), "m empty=\"\" n=7");
}

TEST(LogRender, NoValueCanForgeAFieldOrALine) {
  EXPECT_EQ(slog::render(slog::format::text, "m", {{"user_id", "1 admin=true\nfake"}}),
            "m user_id=\"1 admin=true\\nfake\"");
  EXPECT_EQ(slog::render(slog::format::json, "m", {{"user_id", "\"}, \"admin\": true"}}),
            R"("msg":"m","user_id":"\"}, \"admin\": true")");
}

TEST(LogWrite, WritesJsonLinesAtTheConfiguredLevel) {
  std::ostringstream out;
  slog::configure({.output = slog::format::json, .min_level = slog::level::info}, &out);
  slog::debug("hidden", {{"k", "v"}});
  slog::info("shown", {{"k", "v"}});
  const std::string text = out.str();
  EXPECT_EQ(text.find("hidden"), std::string::npos);
  EXPECT_NE(text.find(R"("level":"info","msg":"shown","k":"v"})"), std::string::npos) << text;
  EXPECT_EQ(text.front(), '{');
  slog::configure({}, nullptr);
}

TEST(LogOptions, ParseNames) {
  slog::format f{};
  slog::level l{};
  EXPECT_TRUE(slog::parse_format("json", f));
  EXPECT_EQ(f, slog::format::json);
  EXPECT_FALSE(slog::parse_format("xml", f));
  EXPECT_TRUE(slog::parse_level("warn", l));
  EXPECT_EQ(l, slog::level::warn);
  EXPECT_FALSE(slog::parse_level("verbose", l));
}
