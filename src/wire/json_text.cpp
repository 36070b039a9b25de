#include "switchboard/wire/json_text.hpp"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/error.hpp>
#include <boost/json/value_stack.hpp>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "switchboard/wire/error.hpp"

namespace switchboard::wire {
namespace {

constexpr std::uint64_t repeat_byte(std::uint8_t b) { return 0x0101010101010101ULL * b; }

// True when any of the 8 bytes of `w` is below 0x20, a quote or a backslash (bit tricks from
// "Bit Twiddling Hacks": a byte is zero in w ^ repeat(c) exactly where w holds c).
constexpr bool any_needs_escape(std::uint64_t w) {
  constexpr std::uint64_t high = repeat_byte(0x80);
  const auto has_zero = [](std::uint64_t x) { return (x - repeat_byte(0x01)) & ~x & high; };
  const std::uint64_t below_space = (w - repeat_byte(0x20)) & ~w & high;
  return (below_space | has_zero(w ^ repeat_byte('"')) | has_zero(w ^ repeat_byte('\\'))) != 0;
}

void append_string(std::string_view s, std::string& out) {
  static constexpr char hex[] = "0123456789abcdef";
  out.push_back('"');
  std::size_t run = 0;  // start of the pending stretch that needs no escape
  for (std::size_t i = 0; i < s.size(); ++i) {
    // Skip eight plain bytes at a time: escapes are rare in real payloads.
    while (i + 8 <= s.size()) {
      std::uint64_t w;
      std::memcpy(&w, s.data() + i, 8);
      if (any_needs_escape(w)) break;
      i += 8;
    }
    if (i == s.size()) break;
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.substr(run, i - run));
    run = i + 1;
    out.push_back('\\');
    switch (c) {
      case '"': out.push_back('"'); break;
      case '\\': out.push_back('\\'); break;
      case '\b': out.push_back('b'); break;
      case '\f': out.push_back('f'); break;
      case '\n': out.push_back('n'); break;
      case '\r': out.push_back('r'); break;
      case '\t': out.push_back('t'); break;
      default:
        out.append("u00");
        out.push_back(hex[c >> 4]);
        out.push_back(hex[c & 0xf]);
    }
  }
  out.append(s.substr(run));
  out.push_back('"');
}

template <typename Integer>
void append_integer(Integer v, std::string& out) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

// Number::prototype.toString (ECMA-262, Number::toString) from the shortest round-trip digits.
void append_double(double v, std::string& out) {
  if (!std::isfinite(v)) {
    out.append("null");
    return;
  }
  if (v == 0) {
    out.push_back('0');
    return;
  }
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  const std::string_view sci(buf, r.ptr - buf);  // e.g. "-1.2345e-07"
  const std::size_t e_pos = sci.find('e');
  std::string_view mantissa = sci.substr(0, e_pos);
  int exponent = 0;
  std::from_chars(sci.data() + e_pos + 1 + (sci[e_pos + 1] == '+'), sci.data() + sci.size(), exponent);
  if (mantissa.front() == '-') {
    out.push_back('-');
    mantissa.remove_prefix(1);
  }
  std::string digits(1, mantissa.front());
  if (mantissa.size() > 2) digits.append(mantissa.substr(2));
  const int k = static_cast<int>(digits.size());
  const int n = exponent + 1;

  if (k <= n && n <= 21) {
    out.append(digits).append(static_cast<std::size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    out.append(digits, 0, static_cast<std::size_t>(n)).push_back('.');
    out.append(digits, static_cast<std::size_t>(n));
  } else if (-6 < n && n <= 0) {
    out.append("0.").append(static_cast<std::size_t>(-n), '0').append(digits);
  } else {
    out.push_back(digits.front());
    if (k > 1) out.append(".").append(digits, 1);
    out.push_back('e');
    out.push_back(n - 1 < 0 ? '-' : '+');
    append_integer(std::abs(n - 1), out);
  }
}

// Builds the value as boost::json::parser does, but reads non-integers with std::from_chars:
// Boost.JSON 1.81 rounds some decimals to a neighbouring double ("0.5e37"), and a number must
// come back to the client exactly as JavaScript would read it.
class value_builder {
 public:
  using ec_t = boost::system::error_code;
  static constexpr std::size_t max_array_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_object_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_string_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_key_size = static_cast<std::size_t>(-1);

  value_builder() { stack_.reset(); }
  boost::json::value release() { return stack_.release(); }

  bool on_document_begin(ec_t&) { return true; }
  bool on_document_end(ec_t&) { return true; }
  bool on_array_begin(ec_t&) { return true; }
  bool on_array_end(std::size_t n, ec_t&) { return stack_.push_array(n), true; }
  bool on_object_begin(ec_t&) { return true; }
  bool on_object_end(std::size_t n, ec_t&) { return stack_.push_object(n), true; }
  bool on_string_part(std::string_view s, std::size_t, ec_t&) { return stack_.push_chars(s), true; }
  bool on_string(std::string_view s, std::size_t, ec_t&) { return stack_.push_string(s), true; }
  bool on_key_part(std::string_view s, std::size_t, ec_t&) { return stack_.push_chars(s), true; }
  bool on_key(std::string_view s, std::size_t, ec_t&) { return stack_.push_key(s), true; }
  bool on_number_part(std::string_view s, ec_t&) { return number_.append(s), true; }
  bool on_int64(std::int64_t v, std::string_view, ec_t&) { return number_.clear(), stack_.push_int64(v), true; }
  bool on_uint64(std::uint64_t v, std::string_view, ec_t&) { return number_.clear(), stack_.push_uint64(v), true; }
  bool on_double(double approximate, std::string_view s, ec_t& ec) {
    number_.append(s);
    double exact = approximate;
    const auto r = std::from_chars(number_.data(), number_.data() + number_.size(), exact);
    number_.clear();
    if (r.ec == std::errc::result_out_of_range) {
      // Underflow reads as zero, as in JavaScript; a number past the double range (JavaScript's
      // Infinity, which it would send back as null) is refused rather than silently changed.
      if (std::abs(approximate) >= 1) {
        ec = boost::json::error::exponent_overflow;
        return false;
      }
      exact = approximate;
    }
    stack_.push_double(exact);
    return true;
  }
  bool on_bool(bool b, ec_t&) { return stack_.push_bool(b), true; }
  bool on_null(ec_t&) { return stack_.push_null(), true; }
  bool on_comment_part(std::string_view, ec_t&) { return true; }
  bool on_comment(std::string_view, ec_t&) { return true; }

 private:
  boost::json::value_stack stack_;
  std::string number_;
};

}  // namespace

void append_json(const boost::json::value& value, std::string& out) {
  switch (value.kind()) {
    case boost::json::kind::null: out.append("null"); return;
    case boost::json::kind::bool_: out.append(value.get_bool() ? "true" : "false"); return;
    case boost::json::kind::int64: append_integer(value.get_int64(), out); return;
    case boost::json::kind::uint64: append_integer(value.get_uint64(), out); return;
    case boost::json::kind::double_: append_double(value.get_double(), out); return;
    case boost::json::kind::string: append_string(value.get_string(), out); return;
    case boost::json::kind::array: {
      out.push_back('[');
      bool first = true;
      for (const auto& item : value.get_array()) {
        if (!first) out.push_back(',');
        first = false;
        append_json(item, out);
      }
      out.push_back(']');
      return;
    }
    case boost::json::kind::object: {
      out.push_back('{');
      bool first = true;
      for (const auto& [key, item] : value.get_object()) {
        if (!first) out.push_back(',');
        first = false;
        append_string(key, out);
        out.push_back(':');
        append_json(item, out);
      }
      out.push_back('}');
      return;
    }
  }
}

std::error_code parse_json(std::string_view text, std::size_t max_depth, boost::json::value& out) {
  boost::json::parse_options options;
  options.max_depth = max_depth;
  boost::json::basic_parser<value_builder> parser(options);
  boost::system::error_code ec;
  const std::size_t used = parser.write_some(false, text.data(), text.size(), ec);
  if (ec == boost::json::error::too_deep) return errc::nesting_too_deep;
  if (ec || used != text.size()) return errc::invalid_json;
  out = parser.handler().release();
  return {};
}

}  // namespace switchboard::wire
