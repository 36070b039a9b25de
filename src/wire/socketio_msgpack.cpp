// Socket.IO packets as socket.io-msgpack-parser 3.0.2 writes them: the packet object as one
// MessagePack map. The top-level map is written and read here, member by member, because its key
// order and its `undefined` members (which JSON values cannot hold) make the bytes; the values
// inside go through the msgpack codec.
#include "switchboard/wire/socketio_msgpack.hpp"

#include <boost/json/value.hpp>
#include <cmath>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "switchboard/wire/error.hpp"
#include "switchboard/wire/msgpack.hpp"

namespace switchboard::wire::sio::msgpack_parser {
namespace {

namespace json = boost::json;

// notepack 2.2's `undefined`: fixext 1 of type 0 (the data byte is not read).
constexpr std::string_view undefined_bytes{"\xd4\x00\x00", 3};

constexpr std::uint64_t max_length = 0xffffffffu;  // the widest length field is 32 bits

// What a value is, as far as the reference parser's checks can tell.
enum class value_kind { undefined, map, array, string, other };

// The reference parser's rule for `data` (socket.io-msgpack-parser isDataValid).
bool payload_fits(packet_type type, value_kind data) {
  switch (type) {
    case packet_type::connect:
      return data == value_kind::undefined || data == value_kind::map;
    case packet_type::disconnect:
      return data == value_kind::undefined;
    case packet_type::connect_error:
      return data == value_kind::string || data == value_kind::map;
    default:
      return data == value_kind::array;
  }
}

// ---- Encoding ----

// The members of the object the reference server builds for each shape, in its order.
enum class member { id, type, data, nsp };

std::span<const member> members_of(shape s) {
  using enum member;
  static constexpr member emit[] = {type, data, id, nsp};
  static constexpr member broadcast[] = {type, data, nsp, id};
  static constexpr member ack[] = {id, type, data, nsp};
  static constexpr member connect[] = {type, data, nsp};
  static constexpr member namespace_error[] = {type, nsp, data};
  static constexpr member disconnect[] = {type, nsp};
  switch (s) {
    case shape::emit:
      return emit;
    case shape::broadcast:
      return broadcast;
    case shape::ack:
      return ack;
    case shape::connect:
    case shape::connect_error:
      return connect;
    case shape::namespace_error:
      return namespace_error;
    case shape::disconnect:
      return disconnect;
  }
  return {};
}

packet_type type_of(shape s) {
  switch (s) {
    case shape::emit:
    case shape::broadcast:
      return packet_type::event;
    case shape::ack:
      return packet_type::ack;
    case shape::connect:
      return packet_type::connect;
    case shape::connect_error:
    case shape::namespace_error:
      return packet_type::connect_error;
    case shape::disconnect:
      return packet_type::disconnect;
  }
  return packet_type::event;
}

// The member the reference adds as undefined to an object `data`, if the object lacks it.
std::string_view undefined_member_of(shape s) {
  if (s == shape::connect) return "pid";  // {sid, pid} without connection state recovery
  if (s == shape::connect_error) return "data";  // {message, data} for an error without data
  return {};
}

// Without attachment messages, BINARY_EVENT/BINARY_ACK are plain EVENT/ACK.
packet_type without_binary(packet_type t) {
  if (t == packet_type::binary_event) return packet_type::event;
  if (t == packet_type::binary_ack) return packet_type::ack;
  return t;
}

value_kind kind_of(const std::optional<json::value>& data) {
  if (!data) return value_kind::undefined;
  if (data->is_object()) return value_kind::map;
  if (data->is_array()) return value_kind::array;
  if (data->is_string()) return value_kind::string;
  return value_kind::other;
}

bool has_id_slot(shape s) { return s == shape::emit || s == shape::broadcast || s == shape::ack; }

std::error_code check_fits(const packet& p, shape s) {
  const packet_type type = without_binary(p.type);
  if (type != type_of(s)) return errc::unknown_packet_type;
  if (!payload_fits(type, kind_of(p.data))) return errc::invalid_payload;
  if (p.id && (!has_id_slot(s) || *p.id > max_ack_id)) return errc::invalid_ack_id;
  if (s == shape::ack && !p.id) return errc::invalid_ack_id;
  if (p.nsp.size() > max_length) return errc::invalid_namespace;
  return {};
}

void append_be(std::uint64_t v, int bytes, std::string& out) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

// A str in its smallest form; the length was checked against max_length.
void append_str(std::string_view s, std::string& out) {
  if (s.size() < 32) {
    out.push_back(static_cast<char>(0xa0 | s.size()));
  } else if (s.size() < 0x100) {
    out.push_back('\xd9');
    append_be(s.size(), 1, out);
  } else if (s.size() < 0x10000) {
    out.push_back('\xda');
    append_be(s.size(), 2, out);
  } else {
    out.push_back('\xdb');
    append_be(s.size(), 4, out);
  }
  out.append(s);
}

void append_map_header(std::size_t entries, std::string& out) {
  if (entries < 16) {
    out.push_back(static_cast<char>(0x80 | entries));
  } else if (entries < 0x10000) {
    out.push_back('\xde');
    append_be(entries, 2, out);
  } else {
    out.push_back('\xdf');
    append_be(entries, 4, out);
  }
}

// An object `data` member by member (so that a map looking like a placeholder stays a map),
// with `undefined_member` added as undefined if the object lacks it.
std::error_code append_object(const json::object& o, std::string_view undefined_member,
                              const std::vector<std::string>& attachments, std::string& out) {
  const bool add = !undefined_member.empty() && !o.contains(undefined_member);
  if (o.size() + (add ? 1 : 0) > max_length) return errc::too_large;
  append_map_header(o.size() + (add ? 1 : 0), out);
  for (const auto& kv : o) {
    if (kv.key().size() > max_length) return errc::too_large;
    append_str(kv.key(), out);
    if (auto ec = msgpack::encode(kv.value(), attachments, out)) return ec;
  }
  if (add) {
    append_str(undefined_member, out);
    out.append(undefined_bytes);
  }
  return {};
}

std::error_code append_data(const packet& p, shape s, std::string& out) {
  if (!p.data) {
    out.append(undefined_bytes);
    return {};
  }
  if (p.data->is_object()) return append_object(p.data->get_object(), undefined_member_of(s), p.attachments, out);
  return msgpack::encode(*p.data, p.attachments, out);
}

std::error_code append_member(const packet& p, shape s, member m, std::string& out) {
  switch (m) {
    case member::id:
      append_str("id", out);
      return msgpack::encode(json::value(*p.id), {}, out);
    case member::type:
      append_str("type", out);
      out.push_back(static_cast<char>(without_binary(p.type)));  // a positive fixint
      return {};
    case member::data:
      append_str("data", out);
      return append_data(p, s, out);
    case member::nsp:
      append_str("nsp", out);
      append_str(p.nsp, out);
      return {};
  }
  return {};
}

std::error_code append_packet(const packet& p, shape s, std::string& out) {
  const std::span<const member> members = members_of(s);
  append_map_header(members.size() - (has_id_slot(s) && !p.id ? 1 : 0), out);
  for (const member m : members) {
    if (m == member::id && !p.id) continue;
    if (auto ec = append_member(p, s, m, out)) return ec;
  }
  return {};
}

// ---- Decoding ----

// A value of the top-level map as read: its bytes, and what they decoded to.
struct member_value {
  std::string_view bytes;  // empty when undefined
  json::value value;
};

// The members of the top-level map that the packet uses; absent ones stay empty.
struct read_packet {
  std::optional<member_value> type, nsp, data, id;
  std::vector<std::string> attachments;  // data's bin values
};

std::uint64_t load_be(std::string_view bytes) {
  std::uint64_t v = 0;
  for (const char c : bytes) v = (v << 8) | static_cast<unsigned char>(c);
  return v;
}

value_kind kind_of(std::string_view bytes) {
  if (bytes.empty()) return value_kind::undefined;
  const auto b = static_cast<unsigned char>(bytes.front());
  if ((b >= 0x80 && b <= 0x8f) || b == 0xde || b == 0xdf) return value_kind::map;
  if ((b >= 0x90 && b <= 0x9f) || b == 0xdc || b == 0xdd) return value_kind::array;
  if ((b >= 0xa0 && b <= 0xbf) || (b >= 0xd9 && b <= 0xdb)) return value_kind::string;
  // Numbers, nil, booleans, bin (a Buffer) and ext values (ArrayBuffer, Date, [type, bytes]).
  return value_kind::other;
}

// Reads the top-level map member by member from the front of `rest_`.
class map_reader {
 public:
  map_reader(std::string_view bytes, const decoder_limits& limits)
      : rest_(bytes),
        limits_{.max_depth = limits.max_depth, .max_attachments = limits.max_attachments} {}

  // A map header: whether the input starts with one, and then its entry count.
  std::error_code header(bool& is_map, std::uint64_t& entries);
  // A key, which must be a str.
  std::error_code key(std::string_view& out);
  // A value; undefined leaves `out.bytes` empty. bin values are appended to `attachments`.
  std::error_code value(member_value& out, std::vector<std::string>& attachments);

  bool at_end() const { return rest_.empty(); }

 private:
  std::error_code take(std::size_t n, std::string_view& out);

  std::string_view rest_;
  msgpack::decode_limits limits_;
};

std::error_code map_reader::take(std::size_t n, std::string_view& out) {
  if (rest_.size() < n) return errc::truncated;
  out = rest_.substr(0, n);
  rest_.remove_prefix(n);
  return {};
}

std::error_code map_reader::header(bool& is_map, std::uint64_t& entries) {
  std::string_view prefix, length;
  if (auto ec = take(1, prefix)) return ec;
  const auto b = static_cast<unsigned char>(prefix.front());
  is_map = (b >= 0x80 && b <= 0x8f) || b == 0xde || b == 0xdf;
  if (!is_map) return {};
  if (b <= 0x8f) {
    entries = b & 0x0f;
    return {};
  }
  if (auto ec = take(b == 0xde ? 2 : 4, length)) return ec;
  entries = load_be(length);
  return {};
}

std::error_code map_reader::key(std::string_view& out) {
  std::string_view prefix, length;
  if (auto ec = take(1, prefix)) return ec;
  const auto b = static_cast<unsigned char>(prefix.front());
  std::uint64_t n;
  if (b >= 0xa0 && b <= 0xbf) {
    n = b & 0x1f;
  } else if (b >= 0xd9 && b <= 0xdb) {
    if (auto ec = take(std::size_t{1} << (b - 0xd9), length)) return ec;
    n = load_be(length);
  } else {
    return b == 0xc1 ? errc::invalid_msgpack : errc::invalid_map_key;
  }
  return take(static_cast<std::size_t>(n), out);
}

std::error_code map_reader::value(member_value& out, std::vector<std::string>& attachments) {
  // notepack's undefined is fixext 1 of type 0, whatever its data byte.
  if (rest_.size() >= 2 && rest_.substr(0, 2) == undefined_bytes.substr(0, 2)) {
    out.bytes = {};
    std::string_view skipped;
    return take(3, skipped);
  }
  std::size_t used = 0;
  if (auto ec = msgpack::decode_front(rest_, out.value, attachments, used, limits_)) return ec;
  return take(used, out.bytes);
}

// Reads every member, keeping those the packet uses (the last of a repeated key, as in
// JavaScript); other members are read within the same limits and dropped.
std::error_code read_members(map_reader& reader, std::uint64_t entries, read_packet& out) {
  member_value ignored;
  std::vector<std::string> ignored_attachments;
  for (std::uint64_t i = 0; i < entries; ++i) {
    std::string_view key;
    if (auto ec = reader.key(key)) return ec;
    if (key == "data") {
      out.attachments.clear();  // a repeated `data`: the earlier one's bin values go with it
      if (auto ec = reader.value(out.data.emplace(), out.attachments)) return ec;
      continue;
    }
    std::optional<member_value>* slot = key == "type" ? &out.type
                                      : key == "nsp" ? &out.nsp
                                      : key == "id"  ? &out.id
                                                     : nullptr;
    ignored_attachments.clear();
    if (auto ec = reader.value(slot ? slot->emplace() : ignored, ignored_attachments)) return ec;
  }
  return {};
}

// The value as a non-negative integer, if it is one (an integral double counts, as
// Number.isInteger has it).
std::optional<std::uint64_t> as_whole_number(const json::value& v) {
  if (v.is_int64()) {
    if (v.get_int64() < 0) return std::nullopt;
    return static_cast<std::uint64_t>(v.get_int64());
  }
  if (v.is_uint64()) return v.get_uint64();
  if (v.is_double()) {
    const double d = v.get_double();
    if (d >= 0 && d < 18446744073709551616.0 && d == std::trunc(d)) return static_cast<std::uint64_t>(d);
  }
  return std::nullopt;
}

bool is_undefined(const std::optional<member_value>& v) { return !v || v->bytes.empty(); }

std::error_code check_type(const std::optional<member_value>& type, packet_type& out) {
  if (is_undefined(type)) return errc::unknown_packet_type;
  const auto n = as_whole_number(type->value);
  if (!n || *n > static_cast<std::uint64_t>(packet_type::connect_error)) return errc::unknown_packet_type;
  out = static_cast<packet_type>(*n);
  return {};
}

std::error_code check_nsp(const std::optional<member_value>& nsp, const decoder_limits& limits) {
  if (is_undefined(nsp) || kind_of(nsp->bytes) != value_kind::string) return errc::invalid_namespace;
  if (nsp->value.get_string().size() > limits.max_namespace_length) return errc::invalid_namespace;
  return {};
}

// The bytes of an array's first item (the array, from its header, is `array`).
std::string_view first_item(std::string_view array) {
  const auto b = static_cast<unsigned char>(array.front());
  const std::size_t header = b <= 0x9f ? 1 : b == 0xdc ? 3 : 5;
  return array.substr(header);
}

// An EVENT's name, beyond the reference: a str, and not a reserved name.
std::error_code check_event_name(const member_value& data) {
  const json::array& args = data.value.get_array();
  if (args.empty() || kind_of(first_item(data.bytes)) != value_kind::string) return errc::invalid_payload;
  return is_reserved_event(args.front().get_string()) ? errc::reserved_event_name : std::error_code{};
}

std::error_code check_data(packet_type type, const std::optional<member_value>& data) {
  if (!payload_fits(type, data ? kind_of(data->bytes) : value_kind::undefined)) return errc::invalid_payload;
  return type == packet_type::event ? check_event_name(*data) : std::error_code{};
}

std::error_code check_id(const std::optional<member_value>& id, std::optional<std::uint64_t>& out) {
  out.reset();
  if (is_undefined(id)) return {};
  const auto n = as_whole_number(id->value);
  if (!n || *n > max_ack_id) return errc::invalid_ack_id;
  out = *n;
  return {};
}

// Checks the members in the reference's order (type, nsp, data, id) and builds the packet.
std::error_code to_packet(read_packet& read, const decoder_limits& limits, packet& out) {
  packet p;
  if (auto ec = check_type(read.type, p.type)) return ec;
  if (auto ec = check_nsp(read.nsp, limits)) return ec;
  if (auto ec = check_data(p.type, read.data)) return ec;
  if (auto ec = check_id(read.id, p.id)) return ec;
  p.nsp = read.nsp->value.get_string();
  if (!is_undefined(read.data)) p.data = std::move(read.data->value);
  p.attachments = std::move(read.attachments);
  out = std::move(p);
  return {};
}

// Input that is no map: a MessagePack error if it is malformed, else no packet type.
std::error_code refuse_non_map(std::string_view bytes, const decoder_limits& limits) {
  json::value ignored;
  std::vector<std::string> attachments;
  const msgpack::decode_limits value_limits{.max_depth = limits.max_depth,
                                            .max_attachments = limits.max_attachments};
  if (auto ec = msgpack::decode(bytes, ignored, attachments, value_limits)) return ec;
  return errc::unknown_packet_type;
}

}  // namespace

std::error_code encode(const packet& p, shape s, std::string& out) {
  if (auto ec = check_fits(p, s)) return ec;
  const std::size_t start = out.size();
  if (auto ec = append_packet(p, s, out)) {
    out.resize(start);
    return ec;
  }
  return {};
}

std::error_code encode_frame(const packet& p, shape s, frame_ptr& out) {
  std::string bytes;
  if (auto ec = encode(p, s, bytes)) return ec;
  out = make_binary_frame(std::move(bytes));
  return {};
}

std::error_code decode(std::string_view bytes, packet& out, const decoder_limits& limits) {
  map_reader reader(bytes, limits);
  bool is_map = false;
  std::uint64_t entries = 0;
  if (auto ec = reader.header(is_map, entries)) return ec;
  if (!is_map) return refuse_non_map(bytes, limits);
  read_packet read;
  if (auto ec = read_members(reader, entries, read)) return ec;
  if (!reader.at_end()) return errc::trailing_bytes;
  return to_packet(read, limits, out);
}

}  // namespace switchboard::wire::sio::msgpack_parser
