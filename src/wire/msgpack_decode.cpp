// MessagePack decoder: bytes -> JSON value + attachments, reading what notepack.io 3 writes.
// Iterative (an explicit stack bounded by limits.max_depth), every length checked against the
// remaining input before anything is reserved, no exceptions for malformed input. The tree is
// built as Boost.JSON's own parser builds it: values go onto a json::value_stack and each
// container is made in one step, from its finished items, when it closes.
//
// Policies where JSON and notepack's JavaScript output differ:
// - map keys must be strings (errc::invalid_map_key); notepack would stringify any key, but a
//   JavaScript encoder only ever writes string keys.
// - invalid UTF-8 in a string or key is replaced by U+FFFD, per the WHATWG decoder that Node's
//   Buffer.toString uses, so the result is always valid UTF-8.
// - duplicate keys: the last value wins, at the first key's position (as a JavaScript object);
//   value_stack::push_object does exactly this (Boost 1.81, tested).
// - integers stay exact: int64, or uint64 above INT64_MAX (JavaScript would round to a double).
#include "switchboard/wire/msgpack.hpp"

#include <boost/json/value_stack.hpp>
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "js_date.hpp"
#include "switchboard/wire/error.hpp"
#include "utf8.hpp"

namespace switchboard::wire::msgpack {
namespace {

namespace json = boost::json;

std::uint64_t load_be(const unsigned char* p, int n) {
  std::uint64_t v = 0;
  for (int i = 0; i < n; ++i) v = (v << 8) | p[i];
  return v;
}

template <typename Word>
Word load(const unsigned char* p) {
  Word w;
  std::memcpy(&w, p, sizeof w);
  return w;
}

// How many leading bytes of the n at p are known to be ASCII: n when all are, which is the
// inline fast path for keys and most strings. The rest, if any, starts at a character boundary
// for the full UTF-8 check. Short tails are read as two overlapping words, never past p + n.
std::size_t ascii_prefix(const unsigned char* p, std::size_t n) {
  constexpr std::uint64_t high = 0x8080808080808080ull;
  if (n < 8) {
    std::uint64_t bits = 0;
    if (n >= 4) {
      bits = load<std::uint32_t>(p) | load<std::uint32_t>(p + n - 4);
    } else if (n >= 2) {
      bits = load<std::uint16_t>(p) | load<std::uint16_t>(p + n - 2);
    } else if (n == 1) {
      bits = p[0];
    }
    return (bits & high) == 0 ? n : 0;
  }
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    if ((load<std::uint64_t>(p + i) & high) != 0) return i;
  }
  if (i == n || (load<std::uint64_t>(p + n - 8) & high) == 0) return n;
  return i;
}

// Room for the value_stack's work area on the C stack, so a typical message needs no heap for
// it; a larger document spills over to the heap.
constexpr std::size_t value_stack_buffer_size = 4096;

// Success inside the decoder, which returns a bare errc: cheaper than building a
// std::error_code (a call to system_category) for every value.
constexpr errc ok{};

class decoder {
 public:
  decoder(std::string_view bytes, bool whole, std::vector<std::string>& attachments,
          const decode_limits& limits, unsigned char* buffer, std::size_t buffer_size)
      : begin_(reinterpret_cast<const unsigned char*>(bytes.data())),
        at_(begin_),
        end_(at_ + bytes.size()),
        whole_(whole),
        attachments_(attachments),
        limits_(limits),
        values_({}, buffer, buffer_size) {}

  errc run(json::value& out);

  // Bytes read so far: all of the value once run() succeeded.
  std::size_t used() const { return static_cast<std::size_t>(at_ - begin_); }

 private:
  // A container whose items are being read; they wait on values_ until it closes.
  struct frame {
    std::size_t size;  // items (arrays) or entries (maps)
    std::size_t left;  // of those, still to read
    bool is_map;
  };

  std::size_t remaining() const { return static_cast<std::size_t>(end_ - at_); }
  std::uint64_t take_be(int n) {
    const std::uint64_t v = load_be(at_, n);
    at_ += n;
    return v;
  }
  std::string_view take_text(std::size_t n);

  errc read_value(bool& opened);
  errc read_key();
  errc open_container(bool is_map, std::uint64_t n, bool& opened);
  errc read_ext(std::uint8_t prefix);
  errc add_attachment(std::size_t n);
  void push_date(double ms);
  void push_frame(const frame& f);

  static constexpr std::size_t inline_frames = 32;

  const unsigned char* begin_;
  const unsigned char* at_;
  const unsigned char* end_;
  bool whole_;  // the value must fill the input
  std::vector<std::string>& attachments_;
  const decode_limits& limits_;
  json::value_stack values_;
  std::size_t elements_ = 0;
  std::size_t first_attachment_ = attachments_.size();
  std::string fixed_;  // a string or key after U+FFFD replacement, reused
  // The open containers: inline up to inline_frames deep, then in deep_frames_.
  frame inline_frames_[inline_frames];
  std::vector<frame> deep_frames_;
  frame* frames_ = inline_frames_;
  std::size_t frame_capacity_ = inline_frames;
  std::size_t depth_ = 0;
};

errc decoder::run(json::value& out) {
  values_.reset(out.storage());
  for (;;) {
    bool opened = false;
    if (const errc e = read_value(opened); e != ok) return e;
    if (opened) {
      // A non-empty container is now open: read its first key, if a map, then its first item.
      if (frames_[depth_ - 1].is_map) {
        if (const errc e = read_key(); e != ok) return e;
      }
      continue;
    }

    // A value is complete: close every container it completes.
    for (;;) {
      if (depth_ == 0) {
        if (whole_ && at_ != end_) return errc::trailing_bytes;
        out = values_.release();
        return ok;
      }
      frame& f = frames_[depth_ - 1];
      if (--f.left != 0) {
        if (f.is_map) {
          if (const errc e = read_key(); e != ok) return e;
        }
        break;
      }
      if (f.is_map) {
        values_.push_object(f.size);
      } else {
        values_.push_array(f.size);
      }
      --depth_;
    }
  }
}

void decoder::push_frame(const frame& f) {
  if (depth_ == frame_capacity_) {
    // Out of room: move to (or grow) the heap copy, which then stays in use.
    deep_frames_.resize(2 * frame_capacity_);
    if (frames_ == inline_frames_) {
      std::copy(inline_frames_, inline_frames_ + depth_, deep_frames_.begin());
    }
    frames_ = deep_frames_.data();
    frame_capacity_ = deep_frames_.size();
  }
  frames_[depth_++] = f;
}

// The next n bytes (already length-checked) as valid UTF-8: a view of the input when it is
// valid, as it nearly always is, else the repaired copy in fixed_.
std::string_view decoder::take_text(std::size_t n) {
  const std::string_view raw(reinterpret_cast<const char*>(at_), n);
  const std::size_t ascii = ascii_prefix(at_, n);
  at_ += n;
  // The rest starts at a character boundary, so it is valid exactly when the whole is.
  if (ascii == n || detail::is_valid_utf8(raw.substr(ascii))) return raw;
  fixed_.clear();
  detail::append_utf8_replacing_invalid(raw, fixed_);
  return fixed_;
}

errc decoder::read_key() {
  if (at_ == end_) return errc::truncated;
  const std::uint8_t prefix = *at_++;
  std::size_t n;
  if (prefix >= 0xa0 && prefix <= 0xbf) {
    n = prefix & 0x1f;
  } else if (prefix >= 0xd9 && prefix <= 0xdb) {
    const int width = 1 << (prefix - 0xd9);
    if (remaining() < static_cast<std::size_t>(width)) return errc::truncated;
    n = static_cast<std::size_t>(take_be(width));
  } else if (prefix == 0xc1) {
    return errc::invalid_msgpack;
  } else {
    return errc::invalid_map_key;
  }
  if (remaining() < n) return errc::truncated;
  values_.push_key(take_text(n));
  return ok;
}

// What notepack's Date becomes in JSON: its toJSON text, or null when the Date is invalid.
void decoder::push_date(double ms) {
  const auto text = detail::js_date_to_json(ms);
  if (text) {
    values_.push_string(text->view());
  } else {
    values_.push_null();
  }
}

// The next n bytes (length-checked) become an attachment, and a placeholder naming it.
errc decoder::add_attachment(std::size_t n) {
  if (attachments_.size() - first_attachment_ >= limits_.max_attachments) {
    return errc::too_many_attachments;
  }
  const std::size_t index = attachments_.size();
  attachments_.emplace_back(reinterpret_cast<const char*>(at_), n);
  at_ += n;
  values_.push_key("_placeholder");
  values_.push_bool(true);
  values_.push_key("num");
  values_.push_int64(static_cast<std::int64_t>(index));
  values_.push_object(2);
  return ok;
}

errc decoder::open_container(bool is_map, std::uint64_t n, bool& opened) {
  // Every item takes at least one byte, so a count the input cannot hold is truncation; checked
  // before anything is reserved.
  const std::uint64_t min_bytes = is_map ? 2 * n : n;
  if (min_bytes > remaining()) return errc::truncated;
  if (depth_ >= limits_.max_depth) return errc::nesting_too_deep;
  if (n > limits_.max_elements - elements_) return errc::too_large;
  elements_ += static_cast<std::size_t>(n);
  const auto count = static_cast<std::size_t>(n);
  if (count == 0) {
    if (is_map) {
      values_.push_object(0);
    } else {
      values_.push_array(0);
    }
    return ok;
  }
  push_frame(frame{count, count, is_map});
  opened = true;
  return ok;
}

errc decoder::read_ext(std::uint8_t prefix) {
  std::size_t n;
  if (prefix >= 0xd4) {
    n = std::size_t{1} << (prefix - 0xd4);  // fixext 1, 2, 4, 8, 16
  } else {
    const int width = 1 << (prefix - 0xc7);  // ext 8, 16, 32
    if (remaining() < static_cast<std::size_t>(width)) return errc::truncated;
    n = static_cast<std::size_t>(take_be(width));
  }
  if (remaining() < 1) return errc::truncated;
  const auto type = static_cast<std::int8_t>(*at_++);
  if (remaining() < n) return errc::truncated;

  if (type == -1 && (prefix == 0xd6 || prefix == 0xd7 || prefix == 0xc7)) {
    // Timestamps, computed in doubles exactly as notepack does so the milliseconds match.
    double ms;
    if (prefix == 0xd6) {
      ms = static_cast<double>(take_be(4)) * 1e3;
    } else if (prefix == 0xd7) {
      const std::uint64_t hi = take_be(4);
      const std::uint64_t lo = take_be(4);
      ms = static_cast<double>(((hi & 0x3) << 32) | lo) * 1e3 + static_cast<double>(hi >> 2) / 1e6;
    } else {
      if (n != 12) return errc::invalid_msgpack;  // the only timestamp that ext 8 carries
      const std::uint64_t ns = take_be(4);
      const auto s = static_cast<std::int64_t>(take_be(8));
      ms = static_cast<double>(s) * 1e3 + static_cast<double>(ns) / 1e6;
    }
    push_date(ms);
    return ok;
  }
  if (type == 0) {
    if (prefix == 0xd4) {  // notepack's legacy `undefined`
      at_ += 1;
      values_.push_null();
      return ok;
    }
    if (prefix == 0xd7) {  // notepack's legacy Date: int64 milliseconds
      const auto ms = static_cast<std::int64_t>(take_be(8));
      push_date(static_cast<double>(ms));
      return ok;
    }
    if (prefix <= 0xc9) return add_attachment(n);  // notepack's legacy ArrayBuffer
  }
  // Any other extension: [type, placeholder], which counts as an array of two for the limits.
  if (depth_ >= limits_.max_depth) return errc::nesting_too_deep;
  if (limits_.max_elements - elements_ < 2) return errc::too_large;
  elements_ += 2;
  values_.push_int64(type);
  if (const errc e = add_attachment(n); e != ok) return e;
  values_.push_array(2);
  return ok;
}

errc decoder::read_value(bool& opened) {
  if (at_ == end_) return errc::truncated;
  const std::uint8_t prefix = *at_++;

  if (prefix < 0x80) {
    values_.push_int64(prefix);
    return ok;
  }
  if (prefix >= 0xe0) {
    values_.push_int64(static_cast<std::int8_t>(prefix));
    return ok;
  }
  if (prefix < 0x90) return open_container(true, prefix & 0x0f, opened);
  if (prefix < 0xa0) return open_container(false, prefix & 0x0f, opened);
  if (prefix < 0xc0) {
    const std::size_t n = prefix & 0x1f;
    if (remaining() < n) return errc::truncated;
    values_.push_string(take_text(n));
    return ok;
  }

  // Fixed-width payloads: check once that the input holds them.
  static constexpr std::uint8_t widths[0x20] = {
      0, 0, 0, 0,         // c0 nil, c1 never used, c2 false, c3 true
      1, 2, 4,            // c4..c6 bin 8/16/32 length
      1, 2, 4,            // c7..c9 ext 8/16/32 length (type read later)
      4, 8,               // ca float32, cb float64
      1, 2, 4, 8,         // cc..cf uint
      1, 2, 4, 8,         // d0..d3 int
      1, 1, 1, 1, 1,      // d4..d8 fixext type (data read later)
      1, 2, 4,            // d9..db str length
      2, 4, 2, 4};        // dc dd array, de df map
  const int width = widths[prefix - 0xc0];
  if (remaining() < static_cast<std::size_t>(width)) return errc::truncated;

  switch (prefix) {
    case 0xc0:
      values_.push_null();
      return ok;
    case 0xc1:
      return errc::invalid_msgpack;
    case 0xc2:
    case 0xc3:
      values_.push_bool(prefix == 0xc3);
      return ok;
    case 0xc4:
    case 0xc5:
    case 0xc6: {
      const auto n = static_cast<std::size_t>(take_be(width));
      if (remaining() < n) return errc::truncated;
      return add_attachment(n);
    }
    case 0xca: {
      const auto bits = static_cast<std::uint32_t>(take_be(4));
      float f;
      std::memcpy(&f, &bits, sizeof f);
      values_.push_double(f);
      return ok;
    }
    case 0xcb: {
      const std::uint64_t bits = take_be(8);
      double d;
      std::memcpy(&d, &bits, sizeof d);
      values_.push_double(d);
      return ok;
    }
    case 0xcc:
    case 0xcd:
    case 0xce:
      values_.push_int64(static_cast<std::int64_t>(take_be(width)));
      return ok;
    case 0xcf: {
      const std::uint64_t u = take_be(8);
      if (u > static_cast<std::uint64_t>(INT64_MAX)) {
        values_.push_uint64(u);
      } else {
        values_.push_int64(static_cast<std::int64_t>(u));
      }
      return ok;
    }
    case 0xd0:
      values_.push_int64(static_cast<std::int8_t>(take_be(1)));
      return ok;
    case 0xd1:
      values_.push_int64(static_cast<std::int16_t>(take_be(2)));
      return ok;
    case 0xd2:
      values_.push_int64(static_cast<std::int32_t>(take_be(4)));
      return ok;
    case 0xd3:
      values_.push_int64(static_cast<std::int64_t>(take_be(8)));
      return ok;
    case 0xd9:
    case 0xda:
    case 0xdb: {
      const auto n = static_cast<std::size_t>(take_be(width));
      if (remaining() < n) return errc::truncated;
      values_.push_string(take_text(n));
      return ok;
    }
    case 0xdc:
    case 0xdd:
      return open_container(false, take_be(width), opened);
    case 0xde:
    case 0xdf:
      return open_container(true, take_be(width), opened);
    default:  // c7..c9, d4..d8: the type byte was only length-checked, not consumed
      return read_ext(prefix);
  }
}

// Decodes one value from the front of `bytes`, which it must fill when `whole`.
std::error_code run_decoder(std::string_view bytes, bool whole, boost::json::value& out,
                            std::vector<std::string>& attachments, std::size_t& used,
                            const decode_limits& limits) {
  const std::size_t first = attachments.size();
  alignas(boost::json::value) unsigned char buffer[value_stack_buffer_size];
  decoder d(bytes, whole, attachments, limits, buffer, sizeof buffer);
  if (const errc e = d.run(out); e != ok) {
    attachments.resize(first);  // leave the caller's attachments as they were
    return e;
  }
  used = d.used();
  return {};
}

}  // namespace

std::error_code decode(std::string_view bytes, boost::json::value& out,
                       std::vector<std::string>& attachments, const decode_limits& limits) {
  std::size_t used = 0;
  return run_decoder(bytes, true, out, attachments, used, limits);
}

std::error_code decode_front(std::string_view bytes, boost::json::value& out,
                             std::vector<std::string>& attachments, std::size_t& used,
                             const decode_limits& limits) {
  return run_decoder(bytes, false, out, attachments, used, limits);
}

}  // namespace switchboard::wire::msgpack
