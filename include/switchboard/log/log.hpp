#pragma once
/// @file
/// Structured log records over spdlog: a message and key=value fields, written as text
/// (`connected user_id=42 socket_id=...`) or as one JSON object per line, as configured.
/// Thread-safe: call from any thread (configure() excepted, see there).
#include <initializer_list>
#include <iosfwd>
#include <span>
#include <string>
#include <string_view>

/// Structured logging: one record is a message and key=value fields.
namespace switchboard::log {

/// How records are written: `text` is `<time> <level> <message> key=value...`, one record per
/// line; `json` is one JSON object per line (time, level, msg and the fields).
enum class format { text, json };
/// Record levels, least severe first; `off` as a minimum level writes nothing.
enum class level { debug, info, warn, error, off };

/// One key=value field of a record. The key is a view, not a copy; the value is text.
struct field {
  /// The field's name.
  std::string_view key;
  /// The field's value, as text.
  std::string value;
  /// A text field.
  field(std::string_view k, std::string v) : key(k), value(std::move(v)) {}
  /// A text field.
  field(std::string_view k, std::string_view v) : key(k), value(v) {}
  /// A text field.
  field(std::string_view k, const char* v) : key(k), value(v) {}
  /// A number (or bool), written with std::to_string.
  template <class Number>
    requires std::is_arithmetic_v<Number>
  field(std::string_view k, Number n) : key(k), value(std::to_string(n)) {}
};

/// Where records go and how.
struct options {
  format output = format::text;  ///< Text or JSON lines.
  level min_level = level::info;  ///< Records below it are not written.
};

/// Sends records to stderr (or to `to`, which must outlive the logging: tests) in the given
/// format from now on. Call at start-up, before other threads log: it replaces spdlog's default
/// logger, which writers use without a lock.
void configure(const options& opts, std::ostream* to = nullptr);
/// Reads a format name: "text" or "json"; false for anything else.
bool parse_format(std::string_view text, format& out) noexcept;
/// Reads a level name: "debug", "info", "warn", "error" or "off"; false for anything else.
bool parse_level(std::string_view text, level& out) noexcept;

/// Whether records of level `l` are written now.
bool enabled(level l) noexcept;
/// Writes one record, if its level is enabled. Never throws.
void write(level l, std::string_view message, std::initializer_list<field> fields);
/// Writes one record, if its level is enabled. Never throws.
void write(level l, std::string_view message, std::span<const field> fields);

/// Writes a debug record.
inline void debug(std::string_view m, std::initializer_list<field> f = {}) { write(level::debug, m, f); }
/// Writes an info record, as in `log::info("connected", {{"user_id", id}})`.
inline void info(std::string_view m, std::initializer_list<field> f = {}) { write(level::info, m, f); }
/// Writes a warning record.
inline void warn(std::string_view m, std::initializer_list<field> f = {}) { write(level::warn, m, f); }
/// Writes an error record.
inline void error(std::string_view m, std::initializer_list<field> f = {}) { write(level::error, m, f); }

/// How a record's message and fields render (time and level are added when written), without
/// writing it: for tests and for other sinks.
std::string render(format f, std::string_view message, std::initializer_list<field> fields);
/// How a record's message and fields render (time and level are added when written), without
/// writing it: for tests and for other sinks.
std::string render(format f, std::string_view message, std::span<const field> fields);

}  // namespace switchboard::log
