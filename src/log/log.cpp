#include "switchboard/log/log.hpp"

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/json/serialize.hpp>
#include <boost/json/string_view.hpp>

namespace switchboard::log {
namespace {

std::atomic<format> current_format{format::text};

spdlog::level::level_enum to_spdlog(level l) noexcept {
  switch (l) {
    case level::debug: return spdlog::level::debug;
    case level::info: return spdlog::level::info;
    case level::warn: return spdlog::level::warn;
    case level::error: return spdlog::level::err;
    case level::off: return spdlog::level::off;
  }
  return spdlog::level::info;
}

bool needs_quotes(std::string_view v) noexcept {
  if (v.empty()) return true;
  for (char c : v) {
    if (c == ' ' || c == '"' || c == '=' || c == '\\' || static_cast<unsigned char>(c) < 0x20) return true;
  }
  return false;
}

// A JSON string literal: the quoting of a text value too, so that no value can forge a field.
void append_quoted(std::string_view v, std::string& out) { out += boost::json::serialize(boost::json::string_view(v)); }

}  // namespace

std::string render(format f, std::string_view message, std::initializer_list<field> fields) {
  return render(f, message, std::span<const field>(fields.begin(), fields.size()));
}

std::string render(format f, std::string_view message, std::span<const field> fields) {
  std::string out;
  if (f == format::json) {
    out += "\"msg\":";
    append_quoted(message, out);
    for (const auto& [key, value] : fields) {
      out += ',';
      append_quoted(key, out);
      out += ':';
      append_quoted(value, out);
    }
    return out;
  }
  out += message;
  for (const auto& [key, value] : fields) {
    out += ' ';
    out += key;
    out += '=';
    if (needs_quotes(value)) {
      append_quoted(value, out);
    } else {
      out += value;
    }
  }
  return out;
}

void configure(const options& opts, std::ostream* to) {
  spdlog::sink_ptr sink;
  if (to) {
    sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(*to, true);
  } else {
    sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  }
  auto logger = std::make_shared<spdlog::logger>("switchboard", std::move(sink));
  // JSON: the record's fields are rendered by render(); the pattern wraps them with time and level.
  logger->set_pattern(opts.output == format::json ? R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l",%v})"
                                                  : "%Y-%m-%dT%H:%M:%S.%eZ %l %v",
                      spdlog::pattern_time_type::utc);
  logger->set_level(to_spdlog(opts.min_level));
  current_format.store(opts.output, std::memory_order_relaxed);
  spdlog::set_default_logger(std::move(logger));
}

bool parse_format(std::string_view text, format& out) noexcept {
  if (text == "text") out = format::text;
  else if (text == "json") out = format::json;
  else return false;
  return true;
}

bool parse_level(std::string_view text, level& out) noexcept {
  if (text == "debug") out = level::debug;
  else if (text == "info") out = level::info;
  else if (text == "warn") out = level::warn;
  else if (text == "error") out = level::error;
  else if (text == "off") out = level::off;
  else return false;
  return true;
}

bool enabled(level l) noexcept { return spdlog::default_logger_raw()->should_log(to_spdlog(l)); }

void write(level l, std::string_view message, std::initializer_list<field> fields) {
  write(l, message, std::span<const field>(fields.begin(), fields.size()));
}

void write(level l, std::string_view message, std::span<const field> fields) {
  if (!enabled(l)) return;
  try {
    spdlog::default_logger_raw()->log(to_spdlog(l), "{}", render(current_format.load(std::memory_order_relaxed), message, fields));
  } catch (...) {  // logging never ends the operation that logs
  }
}

}  // namespace switchboard::log
