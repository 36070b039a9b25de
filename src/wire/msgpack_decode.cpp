// MessagePack decoder: bytes -> JSON value + attachments, reading what notepack.io 3 writes.
// Iterative (an explicit stack bounded by limits.max_depth), every length checked against the
// remaining input before anything is reserved, no exceptions for malformed input.
//
// Policies where JSON and notepack's JavaScript output differ:
// - map keys must be strings (errc::invalid_map_key); notepack would stringify any key, but a
//   JavaScript encoder only ever writes string keys.
// - invalid UTF-8 in a string or key is replaced by U+FFFD, per the WHATWG decoder that Node's
//   Buffer.toString uses, so the result is always valid UTF-8.
// - duplicate keys: the last value wins, at the first key's position (as a JavaScript object).
// - integers stay exact: int64, or uint64 above INT64_MAX (JavaScript would round to a double).
#include "switchboard/wire/msgpack.hpp"

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

// What notepack's Date becomes in JSON: its toJSON text, or null when the Date is invalid.
json::value js_date(double ms, const json::storage_ptr& sp) {
  const auto text = detail::js_date_to_json(ms);
  if (!text) return json::value(nullptr, sp);
  return json::value(json::string_view(text->view()), sp);
}

// ---- Decoder --------------------------------------------------------------------------------

std::uint64_t load_be(const unsigned char* p, int n) {
  std::uint64_t v = 0;
  for (int i = 0; i < n; ++i) v = (v << 8) | p[i];
  return v;
}

class decoder {
 public:
  decoder(std::string_view bytes, std::vector<std::string>& attachments,
          const decode_limits& limits, json::storage_ptr sp)
      : at_(reinterpret_cast<const unsigned char*>(bytes.data())),
        end_(at_ + bytes.size()),
        attachments_(attachments),
        limits_(limits),
        sp_(std::move(sp)) {}

  std::error_code run(json::value& out);

 private:
  // A container being filled.
  struct frame {
    json::value container;
    std::size_t left;  // items (arrays) or entries (maps) still to read
    // Maps: the key of the entry whose value is read next. It points into the input, or into
    // key_fixed when it needed U+FFFD replacements (an offset, not a view, because frames
    // move when the stack grows).
    const unsigned char* key_at = nullptr;
    std::size_t key_size = 0;
    bool key_replaced = false;
    std::string key_fixed;

    std::string_view key() const {
      if (key_replaced) return key_fixed;
      return {reinterpret_cast<const char*>(key_at), key_size};
    }
  };

  std::size_t remaining() const { return static_cast<std::size_t>(end_ - at_); }
  std::string_view next(std::size_t n) const { return {reinterpret_cast<const char*>(at_), n}; }
  std::uint64_t take_be(int n) {
    const std::uint64_t v = load_be(at_, n);
    at_ += n;
    return v;
  }

  std::error_code read_value(json::value& v, bool& opened);
  std::error_code read_key(frame& f);
  std::error_code open_container(bool is_map, std::uint64_t n, json::value& v, bool& opened);
  std::error_code read_ext(std::uint8_t prefix, json::value& v);
  std::error_code add_attachment(std::size_t n, json::value& placeholder);
  json::value make_string(std::size_t n);

  const unsigned char* at_;
  const unsigned char* end_;
  std::vector<std::string>& attachments_;
  const decode_limits& limits_;
  json::storage_ptr sp_;
  std::size_t elements_ = 0;
  std::size_t first_attachment_ = attachments_.size();
  std::vector<frame> stack_;
};

std::error_code decoder::run(json::value& out) {
  for (;;) {
    if (!stack_.empty() && stack_.back().container.is_object()) {
      if (auto ec = read_key(stack_.back())) return ec;
    }
    json::value v(sp_);
    bool opened = false;
    if (auto ec = read_value(v, opened)) return ec;
    if (opened) continue;  // a non-empty container is now on the stack; read its first item

    // v is complete: store it in its parent, closing every container it completes.
    for (;;) {
      if (stack_.empty()) {
        if (at_ != end_) return errc::trailing_bytes;
        out = std::move(v);
        return {};
      }
      frame& f = stack_.back();
      if (f.container.is_array()) {
        f.container.get_array().push_back(std::move(v));
      } else {
        f.container.get_object().insert_or_assign(f.key(), std::move(v));
      }
      if (--f.left != 0) break;
      v = std::move(f.container);
      stack_.pop_back();
    }
  }
}

std::error_code decoder::read_key(frame& f) {
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
  f.key_at = at_;
  f.key_size = n;
  f.key_replaced = !detail::is_valid_utf8(next(n));
  if (f.key_replaced) {
    f.key_fixed.clear();
    detail::append_utf8_replacing_invalid(next(n), f.key_fixed);
  }
  at_ += n;
  return {};
}

json::value decoder::make_string(std::size_t n) {
  json::value v(sp_);
  if (detail::is_valid_utf8(next(n))) {
    v.emplace_string().assign(reinterpret_cast<const char*>(at_), n);
  } else {
    std::string fixed;
    detail::append_utf8_replacing_invalid(next(n), fixed);
    v.emplace_string().assign(fixed);
  }
  at_ += n;
  return v;
}

std::error_code decoder::add_attachment(std::size_t n, json::value& placeholder) {
  if (attachments_.size() - first_attachment_ >= limits_.max_attachments) {
    return errc::too_many_attachments;
  }
  const std::size_t index = attachments_.size();
  attachments_.emplace_back(reinterpret_cast<const char*>(at_), n);
  at_ += n;
  json::object& o = placeholder.emplace_object();
  o.reserve(2);
  o.emplace("_placeholder", true);
  o.emplace("num", static_cast<std::int64_t>(index));
  return {};
}

std::error_code decoder::open_container(bool is_map, std::uint64_t n, json::value& v,
                                        bool& opened) {
  // Every item takes at least one byte, so a count the input cannot hold is truncation; checked
  // before anything is reserved.
  const std::uint64_t min_bytes = is_map ? 2 * n : n;
  if (min_bytes > remaining()) return errc::truncated;
  if (stack_.size() >= limits_.max_depth) return errc::nesting_too_deep;
  if (n > limits_.max_elements - elements_) return errc::too_large;
  elements_ += static_cast<std::size_t>(n);
  const auto count = static_cast<std::size_t>(n);
  if (is_map) {
    v.emplace_object().reserve(count);
  } else {
    v.emplace_array().reserve(count);
  }
  if (count == 0) return {};
  stack_.push_back(frame{std::move(v), count, nullptr, 0, false, {}});
  opened = true;
  return {};
}

std::error_code decoder::read_ext(std::uint8_t prefix, json::value& v) {
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
    v = js_date(ms, sp_);
    return {};
  }
  if (type == 0) {
    if (prefix == 0xd4) {  // notepack's legacy `undefined`
      at_ += 1;
      v.emplace_null();
      return {};
    }
    if (prefix == 0xd7) {  // notepack's legacy Date: int64 milliseconds
      const auto ms = static_cast<std::int64_t>(take_be(8));
      v = js_date(static_cast<double>(ms), sp_);
      return {};
    }
    if (prefix <= 0xc9) return add_attachment(n, v);  // notepack's legacy ArrayBuffer
  }
  // Any other extension: [type, placeholder], which counts as an array of two for the limits.
  if (stack_.size() >= limits_.max_depth) return errc::nesting_too_deep;
  if (limits_.max_elements - elements_ < 2) return errc::too_large;
  elements_ += 2;
  json::value data(sp_);
  if (auto ec = add_attachment(n, data)) return ec;
  json::array& a = v.emplace_array();
  a.reserve(2);
  a.emplace_back(static_cast<std::int64_t>(type));
  a.push_back(std::move(data));
  return {};
}

std::error_code decoder::read_value(json::value& v, bool& opened) {
  if (at_ == end_) return errc::truncated;
  const std::uint8_t prefix = *at_++;

  if (prefix < 0x80) {
    v = static_cast<std::int64_t>(prefix);
    return {};
  }
  if (prefix >= 0xe0) {
    v = static_cast<std::int64_t>(static_cast<std::int8_t>(prefix));
    return {};
  }
  if (prefix < 0x90) return open_container(true, prefix & 0x0f, v, opened);
  if (prefix < 0xa0) return open_container(false, prefix & 0x0f, v, opened);
  if (prefix < 0xc0) {
    const std::size_t n = prefix & 0x1f;
    if (remaining() < n) return errc::truncated;
    v = make_string(n);
    return {};
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
      v.emplace_null();
      return {};
    case 0xc1:
      return errc::invalid_msgpack;
    case 0xc2:
    case 0xc3:
      v = prefix == 0xc3;
      return {};
    case 0xc4:
    case 0xc5:
    case 0xc6: {
      const auto n = static_cast<std::size_t>(take_be(width));
      if (remaining() < n) return errc::truncated;
      return add_attachment(n, v);
    }
    case 0xca: {
      const auto bits = static_cast<std::uint32_t>(take_be(4));
      float f;
      std::memcpy(&f, &bits, sizeof f);
      v = static_cast<double>(f);
      return {};
    }
    case 0xcb: {
      const std::uint64_t bits = take_be(8);
      double d;
      std::memcpy(&d, &bits, sizeof d);
      v = d;
      return {};
    }
    case 0xcc:
    case 0xcd:
    case 0xce:
      v = static_cast<std::int64_t>(take_be(width));
      return {};
    case 0xcf: {
      const std::uint64_t u = take_be(8);
      if (u > static_cast<std::uint64_t>(INT64_MAX)) {
        v = u;
      } else {
        v = static_cast<std::int64_t>(u);
      }
      return {};
    }
    case 0xd0:
      v = static_cast<std::int64_t>(static_cast<std::int8_t>(take_be(1)));
      return {};
    case 0xd1:
      v = static_cast<std::int64_t>(static_cast<std::int16_t>(take_be(2)));
      return {};
    case 0xd2:
      v = static_cast<std::int64_t>(static_cast<std::int32_t>(take_be(4)));
      return {};
    case 0xd3:
      v = static_cast<std::int64_t>(take_be(8));
      return {};
    case 0xd9:
    case 0xda:
    case 0xdb: {
      const auto n = static_cast<std::size_t>(take_be(width));
      if (remaining() < n) return errc::truncated;
      v = make_string(n);
      return {};
    }
    case 0xdc:
    case 0xdd:
      return open_container(false, take_be(width), v, opened);
    case 0xde:
    case 0xdf:
      return open_container(true, take_be(width), v, opened);
    default:  // c7..c9, d4..d8: the type byte was only length-checked, not consumed
      return read_ext(prefix, v);
  }
}

}  // namespace

std::error_code decode(std::string_view bytes, boost::json::value& out,
                       std::vector<std::string>& attachments, const decode_limits& limits) {
  const std::size_t first = attachments.size();
  decoder d(bytes, attachments, limits, out.storage());
  const std::error_code ec = d.run(out);
  if (ec) attachments.resize(first);  // leave the caller's attachments as they were
  return ec;
}

}  // namespace switchboard::wire::msgpack
