#pragma once
/// @file
/// Times as JavaScript writes them in JSON.
#include <chrono>
#include <string>

namespace switchboard::wire {

/// `t` as JavaScript's Date writes itself in JSON (Date.prototype.toJSON, which is toISOString):
/// "2026-12-02T15:40:00.123Z", in UTC, truncated to whole milliseconds, so that `new Date(text)`
/// in a client is the same instant. Years outside 0..9999 take the expanded form
/// ("+010000-01-01T00:00:00.000Z"); beyond JavaScript's range (+-8.64e15 ms) the text is empty,
/// where JavaScript would write null. Thread-safe.
/// @code
/// socket.emit("created", wire::to_js_date(std::chrono::system_clock::now()));
/// @endcode
std::string to_js_date(std::chrono::system_clock::time_point t);

}  // namespace switchboard::wire
