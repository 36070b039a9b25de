// Fuzzes the MessagePack decoder, and the encoder through a round trip: whenever bytes decode,
// encode(decode(bytes)) must decode again to the same value. "Same" is modulo what the codec
// normalises on purpose:
// - numbers compare by value: float32 came back as float64, and integral doubles (and -0) are
//   re-encoded as integers;
// - a placeholder compares by its attachment's bytes, not its num: a map that merely looks like
//   a placeholder becomes a real bin, and attachment numbering may change.
// Limits: the second decode may see more attachments (one bin per look-alike placeholder), never
// more depth or elements, so only max_attachments is lifted for it.
//
// The same input also goes to the Socket.IO msgpack parser (socketio_msgpack.hpp): whenever it
// decodes to a packet, the packet encodes with a shape of its type and decodes back to the same
// packet, "same" as above, but for the undefined member (`pid`, `data`) that the connect and
// connect_error shapes add to an object; without that member, the second packet re-encodes to
// the very same bytes.
#include <boost/json/value.hpp>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "switchboard/wire/error.hpp"
#include "switchboard/wire/msgpack.hpp"
#include "switchboard/wire/socketio_msgpack.hpp"

namespace {

namespace json = boost::json;
namespace mp = switchboard::wire::msgpack;

// The encoder's placeholder rule, restated: exactly {"_placeholder":true,"num":N}.
const json::value* placeholder_num(const json::value& v) {
  if (!v.is_object()) return nullptr;
  const json::object& o = v.get_object();
  if (o.size() != 2) return nullptr;
  const json::value* flag = o.if_contains("_placeholder");
  if (flag == nullptr || !flag->is_bool() || !flag->get_bool()) return nullptr;
  return o.if_contains("num");
}

// A number as either an exact integer (sign, magnitude) or a non-integral / non-finite double.
struct number {
  bool is_integer;
  bool negative;
  std::uint64_t magnitude;
  std::uint64_t double_bits;
};

number to_number(const json::value& v) {
  if (v.is_int64()) {
    const std::int64_t i = v.get_int64();
    return {true, i < 0, i < 0 ? 0 - static_cast<std::uint64_t>(i) : static_cast<std::uint64_t>(i),
            0};
  }
  if (v.is_uint64()) return {true, false, v.get_uint64(), 0};
  const double d = v.get_double();
  if (std::isfinite(d) && d == std::trunc(d)) {
    if (d >= 0 && d < 18446744073709551616.0) return {true, false, static_cast<std::uint64_t>(d), 0};
    if (d < 0 && d >= -9223372036854775808.0) {
      const auto i = static_cast<std::int64_t>(d);
      return {true, true, 0 - static_cast<std::uint64_t>(i), 0};
    }
  }
  std::uint64_t bits;
  std::memcpy(&bits, &d, sizeof bits);
  return {false, false, 0, bits};
}

bool same_number(const json::value& a, const json::value& b) {
  const number x = to_number(a), y = to_number(b);
  if (x.is_integer != y.is_integer) return false;
  if (!x.is_integer) return x.double_bits == y.double_bits;
  if (x.magnitude == 0 && y.magnitude == 0) return true;  // -0 is 0
  return x.negative == y.negative && x.magnitude == y.magnitude;
}

bool is_number(const json::value& v) { return v.is_int64() || v.is_uint64() || v.is_double(); }

// Resolves a placeholder to its attachment, or nullopt if `v` is not one.
std::optional<std::string_view> resolve(const json::value& v,
                                        std::span<const std::string> attachments) {
  const json::value* num = placeholder_num(v);
  if (num == nullptr) return std::nullopt;
  const number n = to_number(*num);
  if (!n.is_integer || (n.negative && n.magnitude != 0) || n.magnitude >= attachments.size()) {
    __builtin_trap();  // callers only compare trees the encoder accepted
  }
  return attachments[static_cast<std::size_t>(n.magnitude)];
}

// Whether some placeholder in `v` names no attachment, which the encoder must reject.
bool has_bad_placeholder(const json::value& v, std::span<const std::string> attachments) {
  if (const json::value* num = placeholder_num(v)) {
    if (!is_number(*num)) return true;
    const number n = to_number(*num);
    return !n.is_integer || (n.negative && n.magnitude != 0) || n.magnitude >= attachments.size();
  }
  if (v.is_array()) {
    for (const json::value& item : v.get_array()) {
      if (has_bad_placeholder(item, attachments)) return true;
    }
  } else if (v.is_object()) {
    for (const auto& kv : v.get_object()) {
      if (has_bad_placeholder(kv.value(), attachments)) return true;
    }
  }
  return false;
}

bool same(const json::value& a, std::span<const std::string> att_a, const json::value& b,
          std::span<const std::string> att_b) {
  const auto bin_a = resolve(a, att_a);
  const auto bin_b = resolve(b, att_b);
  if (bin_a || bin_b) return bin_a && bin_b && *bin_a == *bin_b;
  if (is_number(a) || is_number(b)) return is_number(a) && is_number(b) && same_number(a, b);
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case json::kind::array: {
      const json::array& x = a.get_array();
      const json::array& y = b.get_array();
      if (x.size() != y.size()) return false;
      for (std::size_t i = 0; i < x.size(); ++i) {
        if (!same(x[i], att_a, y[i], att_b)) return false;
      }
      return true;
    }
    case json::kind::object: {
      const json::object& x = a.get_object();
      const json::object& y = b.get_object();
      if (x.size() != y.size()) return false;
      for (auto i = x.begin(), j = y.begin(); i != x.end(); ++i, ++j) {
        if (i->key() != j->key() || !same(i->value(), att_a, j->value(), att_b)) return false;
      }
      return true;
    }
    default:
      return a == b;  // null, bool, string
  }
}

// ---- The Socket.IO msgpack parser. ----

namespace sio = switchboard::wire::sio;
namespace parser = switchboard::wire::sio::msgpack_parser;

// A shape that writes packets of type `t`; `alternate` picks between the two of EVENT and of
// CONNECT_ERROR.
parser::shape shape_for(sio::packet_type t, bool alternate) {
  switch (t) {
    case sio::packet_type::connect:
      return parser::shape::connect;
    case sio::packet_type::disconnect:
      return parser::shape::disconnect;
    case sio::packet_type::ack:
      return parser::shape::ack;
    case sio::packet_type::connect_error:
      return alternate ? parser::shape::namespace_error : parser::shape::connect_error;
    default:
      return alternate ? parser::shape::broadcast : parser::shape::emit;
  }
}

bool has_id_slot(parser::shape s) {
  return s == parser::shape::emit || s == parser::shape::broadcast || s == parser::shape::ack;
}

// The member the shape adds, as undefined, to an object `data` that lacks it.
std::string_view added_member(const sio::packet& p, parser::shape s) {
  const std::string_view name = s == parser::shape::connect         ? "pid"
                                : s == parser::shape::connect_error ? "data"
                                                                    : "";
  if (name.empty() || !p.data || !p.data->is_object() || p.data->get_object().contains(name)) return {};
  return name;
}

// `data` of two packets: an object member by member (the encoder writes it as a map even when
// it looks like a placeholder), anything else as same() has it.
bool same_data(const sio::packet& a, const sio::packet& b) {
  if (!a.data || !b.data) return !a.data && !b.data;
  if (!a.data->is_object() || !b.data->is_object()) return same(*a.data, a.attachments, *b.data, b.attachments);
  const json::object& x = a.data->get_object();
  const json::object& y = b.data->get_object();
  if (x.size() != y.size()) return false;
  for (auto i = x.begin(), j = y.begin(); i != x.end(); ++i, ++j) {
    if (i->key() != j->key() || !same(i->value(), a.attachments, j->value(), b.attachments)) return false;
  }
  return true;
}

void check_packet_round_trip(std::string_view input) {
  const sio::decoder_limits limits{.max_attachments = 64, .max_depth = 64, .max_namespace_length = 256};
  sio::packet first;
  if (parser::decode(input, first, limits)) return;
  if (first.type == sio::packet_type::binary_event || first.type == sio::packet_type::binary_ack) __builtin_trap();

  const parser::shape s = shape_for(first.type, input.size() % 2 == 1);
  sio::packet sent = first;
  if (!has_id_slot(s)) sent.id.reset();  // decoded on any packet, written only where the reference has it
  std::string bytes;
  if (const std::error_code ec = parser::encode(sent, s, bytes)) {
    const bool ack_without_id = s == parser::shape::ack && !sent.id;
    const bool bad_placeholder = ec == switchboard::wire::errc::invalid_attachments && sent.data &&
                                 has_bad_placeholder(*sent.data, sent.attachments);
    if (!ack_without_id && !bad_placeholder) __builtin_trap();
    return;
  }

  sio::decoder_limits relaxed = limits;
  relaxed.max_attachments = std::numeric_limits<std::size_t>::max();
  sio::packet second;
  if (parser::decode(bytes, second, relaxed)) __builtin_trap();
  if (second.type != sent.type || second.nsp != sent.nsp || second.id != sent.id) __builtin_trap();
  if (const std::string_view added = added_member(sent, s); !added.empty()) {
    const json::value* value = second.data->get_object().if_contains(added);
    if (value == nullptr || !value->is_null()) __builtin_trap();  // undefined reads as null
    second.data->get_object().erase(added);
  }
  if (!same_data(sent, second)) __builtin_trap();

  std::string again;
  if (parser::encode(second, s, again) || again != bytes) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  check_packet_round_trip(input);

  const mp::decode_limits limits{.max_depth = 64, .max_elements = 1u << 16, .max_attachments = 64};

  json::value first;
  std::vector<std::string> first_attachments;
  if (mp::decode(input, first, first_attachments, limits)) return 0;

  std::string bytes;
  const std::error_code encoded = mp::encode(first, first_attachments, bytes);
  const bool bad = has_bad_placeholder(first, first_attachments);
  if (encoded) {
    if (!bad || encoded != switchboard::wire::errc::invalid_attachments) __builtin_trap();
    return 0;
  }
  if (bad) __builtin_trap();

  mp::decode_limits relaxed = limits;
  relaxed.max_attachments = std::numeric_limits<std::size_t>::max();
  json::value second;
  std::vector<std::string> second_attachments;
  if (mp::decode(bytes, second, second_attachments, relaxed)) __builtin_trap();
  if (!same(first, first_attachments, second, second_attachments)) __builtin_trap();

  // The second tree holds only canonical forms, so it re-encodes to the very same bytes.
  std::string again;
  if (mp::encode(second, second_attachments, again) || again != bytes) __builtin_trap();
  return 0;
}
