#include "duration.hpp"

#include <charconv>
#include <limits>

namespace switchboard::app {

std::optional<std::chrono::seconds> parse_duration(std::string_view text) noexcept {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end == text.data() || value < 0) return std::nullopt;
  const std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
  std::int64_t scale = 0;
  if (unit.empty() || unit == "s") scale = 1;
  if (unit == "m") scale = 60;
  if (unit == "h") scale = 3600;
  if (unit == "d") scale = 86400;
  if (scale == 0 || value > std::numeric_limits<std::int64_t>::max() / scale) return std::nullopt;
  return std::chrono::seconds(value * scale);
}

}  // namespace switchboard::app
