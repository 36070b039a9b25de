// MessagePack encoder: JSON value + attachments -> bytes, choosing every form as notepack.io 3
// does. Two passes over the tree with the same walker: the first measures (and validates
// placeholders), the second writes into storage sized exactly, so `out` grows once and is left
// untouched on error.
#include "switchboard/wire/msgpack.hpp"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <vector>

#include "switchboard/wire/error.hpp"

namespace switchboard::wire::msgpack {
namespace {

namespace json = boost::json;

constexpr std::uint64_t max_length = 0xffffffffu;  // the widest length field is 32 bits

// Counts bytes; the first pass.
class size_sink {
 public:
  void put1(std::uint8_t) { size_ += 1; }
  void put2(std::uint8_t, std::uint8_t) { size_ += 2; }
  void put3(std::uint8_t, std::uint16_t) { size_ += 3; }
  void put5(std::uint8_t, std::uint32_t) { size_ += 5; }
  void put9(std::uint8_t, std::uint64_t) { size_ += 9; }
  void put_raw(const char*, std::size_t n) { size_ += n; }
  std::size_t size() const { return size_; }

 private:
  std::size_t size_ = 0;
};

// Writes big-endian into storage the size_sink has already measured; the second pass.
class write_sink {
 public:
  explicit write_sink(char* at) : at_(at) {}
  void put1(std::uint8_t b) { *at_++ = static_cast<char>(b); }
  void put2(std::uint8_t b, std::uint8_t v) {
    at_[0] = static_cast<char>(b);
    at_[1] = static_cast<char>(v);
    at_ += 2;
  }
  void put3(std::uint8_t b, std::uint16_t v) {
    at_[0] = static_cast<char>(b);
    store_be(at_ + 1, v, 2);
    at_ += 3;
  }
  void put5(std::uint8_t b, std::uint32_t v) {
    at_[0] = static_cast<char>(b);
    store_be(at_ + 1, v, 4);
    at_ += 5;
  }
  void put9(std::uint8_t b, std::uint64_t v) {
    at_[0] = static_cast<char>(b);
    store_be(at_ + 1, v, 8);
    at_ += 9;
  }
  void put_raw(const char* p, std::size_t n) {
    if (n != 0) std::memcpy(at_, p, n);
    at_ += n;
  }

 private:
  static void store_be(char* p, std::uint64_t v, int n) {
    for (int i = n - 1; i >= 0; --i) {
      p[i] = static_cast<char>(v & 0xff);
      v >>= 8;
    }
  }
  char* at_;
};

template <class Sink>
void put_uint(Sink& s, std::uint64_t v) {
  if (v < 0x80) {
    s.put1(static_cast<std::uint8_t>(v));
  } else if (v < 0x100) {
    s.put2(0xcc, static_cast<std::uint8_t>(v));
  } else if (v < 0x10000) {
    s.put3(0xcd, static_cast<std::uint16_t>(v));
  } else if (v <= 0xffffffffu) {
    s.put5(0xce, static_cast<std::uint32_t>(v));
  } else {
    s.put9(0xcf, v);
  }
}

template <class Sink>
void put_int(Sink& s, std::int64_t v) {
  if (v >= 0) {
    put_uint(s, static_cast<std::uint64_t>(v));
  } else if (v >= -32) {
    s.put1(static_cast<std::uint8_t>(v));
  } else if (v >= -128) {
    s.put2(0xd0, static_cast<std::uint8_t>(v));
  } else if (v >= -32768) {
    s.put3(0xd1, static_cast<std::uint16_t>(v));
  } else if (v >= std::numeric_limits<std::int32_t>::min()) {
    s.put5(0xd2, static_cast<std::uint32_t>(v));
  } else {
    s.put9(0xd3, static_cast<std::uint64_t>(v));
  }
}

template <class Sink>
void put_double(Sink& s, double d) {
  // JavaScript has one number type, so notepack writes integral values as integers; -0 is 0.
  // Integral values outside [-2^63, 2^64) have no integer form and stay float64.
  if (std::isfinite(d) && d == std::trunc(d)) {
    if (d >= 0 && d < 18446744073709551616.0) return put_uint(s, static_cast<std::uint64_t>(d));
    if (d < 0 && d >= -9223372036854775808.0) return put_int(s, static_cast<std::int64_t>(d));
  }
  std::uint64_t bits;
  std::memcpy(&bits, &d, sizeof bits);
  s.put9(0xcb, bits);
}

// Writes a str/bin/array/map length header. `forms` holds the prefixes of the 8-, 16- and
// 32-bit forms (0 when the form does not exist); `fix_base`/`fix_limit` the fix form.
struct length_forms {
  std::uint8_t fix_base;
  std::uint64_t fix_limit;
  std::uint8_t form8;
  std::uint8_t form16;
  std::uint8_t form32;
};

constexpr length_forms str_forms{0xa0, 0x20, 0xd9, 0xda, 0xdb};
constexpr length_forms bin_forms{0, 0, 0xc4, 0xc5, 0xc6};
constexpr length_forms array_forms{0x90, 0x10, 0, 0xdc, 0xdd};
constexpr length_forms map_forms{0x80, 0x10, 0, 0xde, 0xdf};

template <class Sink>
void put_length(Sink& s, const length_forms& f, std::uint64_t n) {
  if (n < f.fix_limit) {
    s.put1(static_cast<std::uint8_t>(f.fix_base | n));
  } else if (f.form8 != 0 && n < 0x100) {
    s.put2(f.form8, static_cast<std::uint8_t>(n));
  } else if (n < 0x10000) {
    s.put3(f.form16, static_cast<std::uint16_t>(n));
  } else {
    s.put5(f.form32, static_cast<std::uint32_t>(n));
  }
}

// The attachment index a placeholder's num names, if it is a non-negative integral number.
std::optional<std::uint64_t> as_index(const json::value& num) {
  switch (num.kind()) {
    case json::kind::int64:
      if (num.get_int64() >= 0) return static_cast<std::uint64_t>(num.get_int64());
      return std::nullopt;
    case json::kind::uint64:
      return num.get_uint64();
    case json::kind::double_: {
      const double d = num.get_double();
      if (d >= 0 && d < 18446744073709551616.0 && d == std::trunc(d)) {
        return static_cast<std::uint64_t>(d);
      }
      return std::nullopt;
    }
    default:
      return std::nullopt;
  }
}

// The Socket.IO placeholder test: exactly {"_placeholder":true,"num":N}, in either key order.
// Returns the object's `num` when the object is a placeholder, else null.
const json::value* placeholder_num(const json::object& o) {
  if (o.size() != 2) return nullptr;
  const json::value* flag = o.if_contains("_placeholder");
  if (flag == nullptr || !flag->is_bool() || !flag->get_bool()) return nullptr;
  return o.if_contains("num");
}

// An array or object being walked.
struct frame {
  const json::value* value_it;          // arrays
  const json::key_value_pair* pair_it;  // objects
  std::size_t left;
};

// Walks the tree without recursion (depth is whatever the caller built), feeding `s`.
template <class Sink>
std::error_code walk(const json::value& root, std::span<const std::string> attachments, Sink& s,
                     std::vector<frame>& stack) {
  stack.clear();

  const json::value* v = &root;
  for (;;) {
    switch (v->kind()) {
      case json::kind::null:
        s.put1(0xc0);
        break;
      case json::kind::bool_:
        s.put1(v->get_bool() ? 0xc3 : 0xc2);
        break;
      case json::kind::int64:
        put_int(s, v->get_int64());
        break;
      case json::kind::uint64:
        put_uint(s, v->get_uint64());
        break;
      case json::kind::double_:
        put_double(s, v->get_double());
        break;
      case json::kind::string: {
        const json::string& str = v->get_string();
        if (str.size() > max_length) return errc::too_large;
        put_length(s, str_forms, str.size());
        s.put_raw(str.data(), str.size());
        break;
      }
      case json::kind::array: {
        const json::array& a = v->get_array();
        if (a.size() > max_length) return errc::too_large;
        put_length(s, array_forms, a.size());
        if (!a.empty()) stack.push_back({a.data(), nullptr, a.size()});
        break;
      }
      case json::kind::object: {
        const json::object& o = v->get_object();
        if (const json::value* num = placeholder_num(o)) {
          const auto index = as_index(*num);
          if (!index || *index >= attachments.size()) return errc::invalid_attachments;
          const std::string& bin = attachments[static_cast<std::size_t>(*index)];
          if (bin.size() > max_length) return errc::too_large;
          put_length(s, bin_forms, bin.size());
          s.put_raw(bin.data(), bin.size());
          break;
        }
        if (o.size() > max_length) return errc::too_large;
        put_length(s, map_forms, o.size());
        if (!o.empty()) stack.push_back({nullptr, o.begin(), o.size()});
        break;
      }
    }

    // Next value: the top frame's next item, popping finished frames.
    for (;;) {
      if (stack.empty()) return {};
      frame& f = stack.back();
      if (f.left == 0) {
        stack.pop_back();
        continue;
      }
      --f.left;
      if (f.value_it != nullptr) {
        v = f.value_it++;
      } else {
        const json::key_value_pair& kv = *f.pair_it++;
        const json::string_view key = kv.key();
        if (key.size() > max_length) return errc::too_large;
        put_length(s, str_forms, key.size());
        s.put_raw(key.data(), key.size());
        v = &kv.value();
      }
      break;
    }
  }
}

}  // namespace

std::error_code encode(const boost::json::value& value, std::span<const std::string> attachments,
                       std::string& out) {
  std::vector<frame> stack;
  size_sink measure;
  if (auto ec = walk(value, attachments, measure, stack)) return ec;
  const std::size_t start = out.size();
  // resize zero-fills once; the writer then fills every byte without bounds checks.
  out.resize(start + measure.size());
  write_sink writer(out.data() + start);
  return walk(value, attachments, writer, stack);
}

}  // namespace switchboard::wire::msgpack
