#pragma once
// Structured log records over spdlog: a message and key=value fields, written as text
// (`connected user_id=42 socket_id=...`) or as one JSON object per line, as configured.
// Thread-safe: call from any thread.
#include <initializer_list>
#include <iosfwd>
#include <span>
#include <string>
#include <string_view>

namespace switchboard::log {

enum class format { text, json };
enum class level { debug, info, warn, error, off };

struct field {
  std::string_view key;
  std::string value;
  field(std::string_view k, std::string v) : key(k), value(std::move(v)) {}
  field(std::string_view k, std::string_view v) : key(k), value(v) {}
  field(std::string_view k, const char* v) : key(k), value(v) {}
  template <class Number>
    requires std::is_arithmetic_v<Number>
  field(std::string_view k, Number n) : key(k), value(std::to_string(n)) {}
};

struct options {
  format output = format::text;
  level min_level = level::info;
};

// Sends records to stderr (or to `to`, which must outlive the logging: tests) in the given
// format from now on.
void configure(const options& opts, std::ostream* to = nullptr);
// "text"/"json", "debug"/"info"/"warn"/"error"/"off"; false for anything else.
bool parse_format(std::string_view text, format& out) noexcept;
bool parse_level(std::string_view text, level& out) noexcept;

bool enabled(level l) noexcept;
void write(level l, std::string_view message, std::initializer_list<field> fields);
void write(level l, std::string_view message, std::span<const field> fields);

inline void debug(std::string_view m, std::initializer_list<field> f = {}) { write(level::debug, m, f); }
inline void info(std::string_view m, std::initializer_list<field> f = {}) { write(level::info, m, f); }
inline void warn(std::string_view m, std::initializer_list<field> f = {}) { write(level::warn, m, f); }
inline void error(std::string_view m, std::initializer_list<field> f = {}) { write(level::error, m, f); }

// How a record renders, without writing it: for tests and for other sinks.
std::string render(format f, std::string_view message, std::initializer_list<field> fields);
std::string render(format f, std::string_view message, std::span<const field> fields);

}  // namespace switchboard::log
