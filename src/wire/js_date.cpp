// Date.toJSON text for a time value.
#include "js_date.hpp"

#include "switchboard/wire/js_date.hpp"

#include <cmath>
#include <cstdint>

namespace switchboard::wire::detail {
namespace {

// Days since 1970-01-01 -> proleptic Gregorian date (Howard Hinnant's civil_from_days).
void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) noexcept {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
}

void put_digits(char*& p, std::uint64_t v, int width) noexcept {
  for (int i = width - 1; i >= 0; --i) {
    p[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  p += width;
}

}  // namespace

std::optional<js_date_text> js_date_to_json(double ms) noexcept {
  if (!(std::fabs(ms) <= 8.64e15)) return std::nullopt;  // also NaN
  const auto t = static_cast<std::int64_t>(ms);  // truncation toward zero, as TimeClip does
  std::int64_t days = t / 86400000;
  std::int64_t in_day = t % 86400000;
  if (in_day < 0) {
    in_day += 86400000;
    --days;
  }
  std::int64_t year;
  unsigned month, day;
  civil_from_days(days, year, month, day);

  js_date_text text;
  char* const begin = text.chars_.data();
  char* p = begin;
  if (year >= 0 && year <= 9999) {
    put_digits(p, static_cast<std::uint64_t>(year), 4);
  } else {
    *p++ = year < 0 ? '-' : '+';
    put_digits(p, static_cast<std::uint64_t>(year < 0 ? -year : year), 6);
  }
  const auto ms_of_day = static_cast<std::uint64_t>(in_day);
  *p++ = '-';
  put_digits(p, month, 2);
  *p++ = '-';
  put_digits(p, day, 2);
  *p++ = 'T';
  put_digits(p, ms_of_day / 3600000, 2);
  *p++ = ':';
  put_digits(p, ms_of_day / 60000 % 60, 2);
  *p++ = ':';
  put_digits(p, ms_of_day / 1000 % 60, 2);
  *p++ = '.';
  put_digits(p, ms_of_day % 1000, 3);
  *p++ = 'Z';
  text.size_ = static_cast<std::size_t>(p - begin);
  return text;
}

}  // namespace switchboard::wire::detail

namespace switchboard::wire {

std::string to_js_date(std::chrono::system_clock::time_point t) {
  // Whole milliseconds first: a double holds every millisecond count JavaScript allows exactly.
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  const auto text = detail::js_date_to_json(static_cast<double>(ms));
  return text ? std::string(text->view()) : std::string();
}

}  // namespace switchboard::wire
