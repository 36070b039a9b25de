#include "fields.hpp"

#include <chrono>

#include "switchboard/wire/error.hpp"
#include "switchboard/wire/json_text.hpp"

namespace switchboard::cluster::detail {
namespace json = boost::json;

std::error_code parse_message(std::string_view bytes, const decode_limits& limits, json::value& out,
                              std::vector<std::string>& attachments) {
  if (!bytes.empty() && bytes.front() == '{') return wire::parse_json(bytes, limits.max_depth, out);
  return wire::msgpack::decode(bytes, out, attachments, limits);
}

std::error_code write_json(const json::object& o, std::string& out) {
  wire::append_json(o, out);
  return {};
}

std::error_code read_string(const json::object& o, std::string_view key, std::string& out) {
  const json::value* v = o.if_contains(key);
  if (!v) return message_errc::missing_field;
  if (!v->is_string()) return message_errc::invalid_field;
  out = v->get_string();
  return {};
}

std::error_code read_optional_string(const json::object& o, std::string_view key, std::optional<std::string>& out) {
  out.reset();
  if (!o.contains(key)) return {};
  return read_string(o, key, out.emplace());
}

namespace {

// Every item of `array` must be a string.
template <typename Insert>
std::error_code each_string(const json::value& array, Insert insert) {
  if (!array.is_array()) return message_errc::invalid_field;
  for (const json::value& item : array.get_array()) {
    if (!item.is_string()) return message_errc::invalid_field;
    insert(std::string(item.get_string()));
  }
  return {};
}

// Rooms of opts; absent means none, as Node's `new Set(undefined)`.
std::error_code read_room_set(const json::object& opts, std::string_view key, std::set<std::string>& out) {
  out.clear();
  const json::value* v = opts.if_contains(key);
  if (!v) return {};
  return each_string(*v, [&](std::string s) { out.insert(std::move(s)); });
}

bool is_number(const json::value& v) { return v.is_int64() || v.is_uint64() || v.is_double(); }

std::error_code read_bool_flag(const json::object& flags, std::string_view key, bool& out) {
  const json::value* v = flags.if_contains(key);
  if (!v) return {};
  if (!v->is_bool()) return message_errc::invalid_field;
  out = v->get_bool();
  return {};
}

// A timeout is a number of milliseconds (fractions dropped), at most 2^53.
std::error_code read_timeout(const json::object& flags, std::chrono::milliseconds& out) {
  const json::value* v = flags.if_contains("timeout");
  if (!v) return {};
  if (!is_number(*v)) return message_errc::invalid_field;
  const double ms = v->to_number<double>();
  if (!(ms >= 0 && ms <= 9007199254740992.0)) return message_errc::invalid_field;
  out = std::chrono::milliseconds(static_cast<std::int64_t>(ms));
  return {};
}

std::error_code read_flags(const json::object& opts, sio::broadcast_flags& out) {
  out = {};
  const json::value* v = opts.if_contains("flags");
  if (!v) return {};
  if (!v->is_object()) return message_errc::invalid_field;
  const json::object& flags = v->get_object();
  if (auto ec = read_bool_flag(flags, "volatile", out.is_volatile)) return ec;
  if (auto ec = read_bool_flag(flags, "compress", out.compress)) return ec;
  if (auto ec = read_bool_flag(flags, "local", out.local)) return ec;
  return read_timeout(flags, out.timeout);
}

json::object write_flags(const sio::broadcast_flags& flags, bool with_timeout) {
  json::object out;
  if (flags.is_volatile) out["volatile"] = true;
  if (!flags.compress) out["compress"] = false;
  if (flags.local) out["local"] = true;
  if (with_timeout) out["timeout"] = flags.timeout.count();
  return out;
}

// Counts the placeholders of `v`; one naming no attachment fails.
std::error_code count_placeholders(const json::value& v, std::size_t attachments, std::size_t& count) {
  if (const json::array* array = v.if_array()) {
    for (const json::value& item : *array) {
      if (auto ec = count_placeholders(item, attachments, count)) return ec;
    }
    return {};
  }
  const json::object* object = v.if_object();
  if (!object) return {};
  const json::value* flag = object->if_contains("_placeholder");
  if (flag && flag->is_bool() && flag->get_bool()) {
    const json::value* num = object->if_contains("num");
    boost::system::error_code not_an_index;
    const auto index = num ? num->to_number<std::uint64_t>(not_an_index) : 0;
    if (!num || not_an_index || index >= attachments) return wire::errc::invalid_attachments;
    ++count;
    return {};
  }
  for (const auto& [key, item] : *object) {
    if (auto ec = count_placeholders(item, attachments, count)) return ec;
  }
  return {};
}

}  // namespace

std::error_code read_strings(const json::object& o, std::string_view key, std::vector<std::string>& out) {
  out.clear();
  const json::value* v = o.if_contains(key);
  if (!v) return message_errc::missing_field;
  return each_string(*v, [&](std::string s) { out.push_back(std::move(s)); });
}

std::error_code read_request_type(const json::object& o, std::uint64_t& type) {
  const json::value* v = o.if_contains("type");
  if (!v) return message_errc::missing_field;
  if (!is_number(*v)) return message_errc::invalid_field;
  boost::system::error_code not_an_integer;
  type = v->to_number<std::uint64_t>(not_an_integer);
  return not_an_integer ? message_errc::invalid_field : std::error_code{};
}

json::object write_opts(const sio::broadcast_target& target, opts_flags flags, layout order) {
  json::object out;
  out["rooms"] = string_array(target.rooms);
  if (flags != opts_flags::none && order == layout::emitter) {
    out["flags"] = write_flags(target.flags, flags == opts_flags::broadcast_with_timeout);
  }
  out["except"] = string_array(target.except);
  if (flags != opts_flags::none && order == layout::adapter) {
    out["flags"] = write_flags(target.flags, flags == opts_flags::broadcast_with_timeout);
  }
  return out;
}

std::error_code read_opts(const json::value* v, opts_flags flags, sio::broadcast_target& out) {
  if (!v) return message_errc::missing_field;
  if (!v->is_object()) return message_errc::invalid_field;
  const json::object& opts = v->get_object();
  if (auto ec = read_room_set(opts, "rooms", out.rooms)) return ec;
  if (auto ec = read_room_set(opts, "except", out.except)) return ec;
  if (flags == opts_flags::none) {
    out.flags = {};
    return {};
  }
  return read_flags(opts, out.flags);
}

std::error_code write_packet(const wire::sio::packet& packet, json::object& out) {
  using wire::sio::packet_type;
  const bool is_event = packet.type == packet_type::event || packet.type == packet_type::binary_event;
  if (!is_event || !packet.data || !packet.data->is_array()) return message_errc::invalid_packet;
  out.clear();
  out["type"] = static_cast<int>(packet_type::event);
  out["data"] = *packet.data;
  out["nsp"] = packet.nsp;
  return {};
}

std::error_code read_packet(json::value& value, std::vector<std::string>& attachments, wire::sio::packet& out) {
  using wire::sio::packet_type;
  json::object* o = value.if_object();
  if (!o) return message_errc::invalid_packet;
  std::uint64_t type = 0;
  // Type 5 (BINARY_EVENT) is what socket.io 2 published for binary arguments.
  if (read_request_type(*o, type) || (type != 2 && type != 5)) return message_errc::invalid_packet;
  json::value* data = o->if_contains("data");
  if (!data || !data->is_array() || data->get_array().empty()) return message_errc::invalid_packet;
  const json::value* nsp = o->if_contains("nsp");
  if (nsp && !nsp->is_string()) return message_errc::invalid_packet;
  if (auto ec = check_attachments(*data, attachments.size())) return ec;
  out = {};
  out.type = packet_type::event;
  out.nsp = nsp ? std::string(nsp->get_string()) : "/";  // Node: a missing nsp means "/"
  out.data = std::move(*data);
  out.attachments = std::move(attachments);
  return {};
}

std::error_code check_attachments(const json::value& value, std::size_t attachments) {
  std::size_t count = 0;
  if (auto ec = count_placeholders(value, attachments, count)) return ec;
  return count == attachments ? std::error_code{} : wire::errc::invalid_attachments;
}

}  // namespace switchboard::cluster::detail
