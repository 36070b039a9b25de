#include "duration.hpp"

#include <charconv>
#include <limits>

namespace switchboard::app {
namespace {

// The duration in milliseconds; "ms" is a unit only where `milliseconds` allows it.
std::optional<std::int64_t> parse_in_milliseconds(std::string_view text, bool milliseconds) noexcept {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end == text.data() || value < 0) return std::nullopt;
  const std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
  std::int64_t scale = 0;
  if (unit == "ms" && milliseconds) scale = 1;
  if (unit.empty() || unit == "s") scale = 1000;
  if (unit == "m") scale = 60'000;
  if (unit == "h") scale = 3'600'000;
  if (unit == "d") scale = 86'400'000;
  if (scale == 0 || value > std::numeric_limits<std::int64_t>::max() / scale) return std::nullopt;
  return value * scale;
}

}  // namespace

std::optional<std::chrono::seconds> parse_duration(std::string_view text) noexcept {
  const auto ms = parse_in_milliseconds(text, false);
  if (!ms) return std::nullopt;
  return std::chrono::seconds(*ms / 1000);
}

std::optional<std::chrono::milliseconds> parse_milliseconds(std::string_view text) noexcept {
  const auto ms = parse_in_milliseconds(text, true);
  if (!ms) return std::nullopt;
  return std::chrono::milliseconds(*ms);
}

}  // namespace switchboard::app
