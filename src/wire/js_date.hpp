#pragma once
// JavaScript's Date.prototype.toJSON for a time value (private to the wire layer).
#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace switchboard::wire::detail {

// The text of a valid Date, held inline so that formatting never allocates; the longest,
// "+275760-09-13T00:00:00.000Z", has 27 characters.
class js_date_text {
 public:
  std::string_view view() const noexcept { return {chars_.data(), size_}; }

 private:
  friend std::optional<js_date_text> js_date_to_json(double ms) noexcept;
  std::array<char, 32> chars_{};
  std::size_t size_ = 0;
};

// What `new Date(ms).toJSON()` yields: `ms` is truncated to whole milliseconds; NaN or beyond
// +-8.64e15 ms the Date is invalid and toJSON gives null, here nullopt. Years outside 0..9999
// use the expanded form "+010000-01-01T00:00:00.000Z" / "-000001-...", as toISOString does.
std::optional<js_date_text> js_date_to_json(double ms) noexcept;

}  // namespace switchboard::wire::detail
