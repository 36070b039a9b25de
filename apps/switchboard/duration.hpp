#pragma once
// Durations as people write them in flags and config: "90s", "15m", "1h", "7d", or plain seconds.
#include <chrono>
#include <optional>
#include <string_view>

namespace switchboard::app {

// nullopt for anything else (empty, negative, unknown unit, overflow).
std::optional<std::chrono::seconds> parse_duration(std::string_view text) noexcept;
// The same, with "ms" too ("500ms"), for timeouts below a second.
std::optional<std::chrono::milliseconds> parse_milliseconds(std::string_view text) noexcept;

}  // namespace switchboard::app
