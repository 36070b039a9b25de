// Broadcasts and requests: built with keys in the order the Node adapter and emitter build them.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <string>
#include <vector>

#include "fields.hpp"
#include "switchboard/cluster/messages.hpp"
#include "switchboard/wire/msgpack.hpp"

namespace switchboard::cluster {
namespace json = boost::json;
using detail::opts_flags;

namespace {

// ---- Encoders: one JSON object per request type, keys in Node's order. ----

void add_uid(json::object& o, const std::optional<std::string>& uid) {
  if (uid) o["uid"] = *uid;
}

std::error_code encode(const sockets_request& r, std::string& out) {
  return detail::write_json({{"uid", r.uid},
                             {"requestId", r.request_id},
                             {"type", detail::type_value(request_type::sockets)},
                             {"rooms", detail::string_array(r.rooms)}},
                            out);
}

std::error_code encode(const all_rooms_request& r, std::string& out) {
  return detail::write_json(
      {{"uid", r.uid}, {"requestId", r.request_id}, {"type", detail::type_value(request_type::all_rooms)}}, out);
}

// REMOTE_JOIN and REMOTE_LEAVE: {uid?, type, opts, rooms}.
std::error_code encode_rooms_change(const std::optional<std::string>& uid, request_type type,
                                    const sio::broadcast_target& target, const std::vector<std::string>& rooms,
                                    std::string& out) {
  json::object o;
  add_uid(o, uid);
  o["type"] = detail::type_value(type);
  o["opts"] = detail::write_opts(target, opts_flags::none);
  o["rooms"] = detail::string_array(rooms);
  return detail::write_json(o, out);
}

std::error_code encode(const remote_join_request& r, std::string& out) {
  return encode_rooms_change(r.uid, request_type::remote_join, r.target, r.rooms, out);
}

std::error_code encode(const remote_leave_request& r, std::string& out) {
  return encode_rooms_change(r.uid, request_type::remote_leave, r.target, r.rooms, out);
}

std::error_code encode(const remote_disconnect_request& r, std::string& out) {
  json::object o;
  add_uid(o, r.uid);
  o["type"] = detail::type_value(request_type::remote_disconnect);
  o["opts"] = detail::write_opts(r.target, opts_flags::none);
  o["close"] = r.close;
  return detail::write_json(o, out);
}

std::error_code encode(const remote_fetch_request& r, std::string& out) {
  return detail::write_json({{"uid", r.uid},
                             {"requestId", r.request_id},
                             {"type", detail::type_value(request_type::remote_fetch)},
                             {"opts", detail::write_opts(r.target, opts_flags::none)}},
                            out);
}

std::error_code encode(const server_side_emit_request& r, std::string& out) {
  json::object o;
  o["uid"] = r.uid;
  if (r.request_id) o["requestId"] = *r.request_id;
  o["type"] = detail::type_value(request_type::server_side_emit);
  o["data"] = r.data;
  return detail::write_json(o, out);
}

std::error_code encode(const broadcast_request& r, std::string& out) {
  json::object packet;
  if (auto ec = detail::write_packet(r.packet, packet)) return ec;
  const json::object o{{"uid", r.uid},
                       {"requestId", r.request_id},
                       {"type", detail::type_value(request_type::broadcast)},
                       {"packet", std::move(packet)},
                       {"opts", detail::write_opts(r.target, opts_flags::broadcast_with_timeout)}};
  return wire::msgpack::encode(o, r.packet.attachments, out);
}

// ---- Decoders: `o` is the whole request, its type already read. ----

std::error_code decode_sockets(const json::object& o, request& out) {
  sockets_request r;
  std::vector<std::string> rooms;
  if (auto ec = detail::read_string(o, "uid", r.uid)) return ec;
  if (auto ec = detail::read_string(o, "requestId", r.request_id)) return ec;
  if (auto ec = detail::read_strings(o, "rooms", rooms)) return ec;
  r.rooms.insert(rooms.begin(), rooms.end());
  out = std::move(r);
  return {};
}

std::error_code decode_all_rooms(const json::object& o, request& out) {
  all_rooms_request r;
  if (auto ec = detail::read_string(o, "uid", r.uid)) return ec;
  if (auto ec = detail::read_string(o, "requestId", r.request_id)) return ec;
  out = std::move(r);
  return {};
}

// REMOTE_JOIN and REMOTE_LEAVE share their shape.
template <typename Request>
std::error_code decode_rooms_change(const json::object& o, request& out) {
  Request r;
  if (auto ec = detail::read_optional_string(o, "uid", r.uid)) return ec;
  if (auto ec = detail::read_opts(o.if_contains("opts"), opts_flags::none, r.target)) return ec;
  if (auto ec = detail::read_strings(o, "rooms", r.rooms)) return ec;
  out = std::move(r);
  return {};
}

std::error_code decode_disconnect(const json::object& o, request& out) {
  remote_disconnect_request r;
  if (auto ec = detail::read_optional_string(o, "uid", r.uid)) return ec;
  if (auto ec = detail::read_opts(o.if_contains("opts"), opts_flags::none, r.target)) return ec;
  const json::value* close = o.if_contains("close");
  if (close && !close->is_bool()) return message_errc::invalid_field;
  r.close = close && close->get_bool();  // Node: a missing close is falsy
  out = std::move(r);
  return {};
}

std::error_code decode_fetch(const json::object& o, request& out) {
  remote_fetch_request r;
  if (auto ec = detail::read_string(o, "uid", r.uid)) return ec;
  if (auto ec = detail::read_string(o, "requestId", r.request_id)) return ec;
  if (auto ec = detail::read_opts(o.if_contains("opts"), opts_flags::none, r.target)) return ec;
  out = std::move(r);
  return {};
}

std::error_code decode_server_side_emit(json::object& o, request& out) {
  server_side_emit_request r;
  if (auto ec = detail::read_string(o, "uid", r.uid)) return ec;
  if (auto ec = detail::read_optional_string(o, "requestId", r.request_id)) return ec;
  json::value* data = o.if_contains("data");
  if (!data) return message_errc::missing_field;
  if (!data->is_array() || data->get_array().empty()) return message_errc::invalid_field;
  r.data = std::move(data->get_array());
  out = std::move(r);
  return {};
}

std::error_code decode_broadcast_request(json::object& o, std::vector<std::string>& attachments, request& out) {
  broadcast_request r;
  if (auto ec = detail::read_string(o, "uid", r.uid)) return ec;
  if (auto ec = detail::read_string(o, "requestId", r.request_id)) return ec;
  if (auto ec = detail::read_opts(o.if_contains("opts"), opts_flags::broadcast, r.target)) return ec;
  json::value* packet = o.if_contains("packet");
  if (!packet) return message_errc::missing_field;
  if (auto ec = detail::read_packet(*packet, attachments, r.packet)) return ec;
  out = std::move(r);
  return {};
}

std::error_code decode_typed(request_type type, json::object& o, std::vector<std::string>& attachments,
                             request& out) {
  // Only a BROADCAST carries binary values.
  if (type != request_type::broadcast && !attachments.empty()) return message_errc::invalid_field;
  switch (type) {
    case request_type::sockets: return decode_sockets(o, out);
    case request_type::all_rooms: return decode_all_rooms(o, out);
    case request_type::remote_join: return decode_rooms_change<remote_join_request>(o, out);
    case request_type::remote_leave: return decode_rooms_change<remote_leave_request>(o, out);
    case request_type::remote_disconnect: return decode_disconnect(o, out);
    case request_type::remote_fetch: return decode_fetch(o, out);
    case request_type::server_side_emit: return decode_server_side_emit(o, out);
    case request_type::broadcast: return decode_broadcast_request(o, attachments, out);
    case request_type::broadcast_client_count:
    case request_type::broadcast_ack: break;  // replies, not requests
  }
  return message_errc::unknown_type;
}

}  // namespace

std::error_code encode_broadcast(const broadcast_message& message, std::string& out, layout order) {
  json::object packet;
  if (auto ec = detail::write_packet(message.packet, packet)) return ec;
  const json::array array{message.uid, std::move(packet),
                          detail::write_opts(message.target, opts_flags::broadcast, order)};
  return wire::msgpack::encode(array, message.packet.attachments, out);
}

std::error_code decode_broadcast(std::string_view bytes, broadcast_message& out, const decode_limits& limits) {
  json::value value;
  std::vector<std::string> attachments;
  if (auto ec = wire::msgpack::decode(bytes, value, attachments, limits)) return ec;
  json::array* array = value.if_array();
  if (!array || array->size() != 3) return message_errc::invalid_message;
  if (!(*array)[0].is_string()) return message_errc::invalid_field;
  broadcast_message m;
  m.uid = (*array)[0].get_string();
  if (auto ec = detail::read_opts(&(*array)[2], opts_flags::broadcast, m.target)) return ec;
  if (auto ec = detail::read_packet((*array)[1], attachments, m.packet)) return ec;
  out = std::move(m);
  return {};
}

bool broadcast_sent_by(std::string_view bytes, std::string_view uid) noexcept {
  // A 3-element array (0x93) whose first element is a fixstr (0xa0 | length, up to 31 bytes).
  if (uid.size() > 31 || bytes.size() < 2 + uid.size()) return false;
  return static_cast<unsigned char>(bytes[0]) == 0x93 &&
         static_cast<unsigned char>(bytes[1]) == (0xa0 | uid.size()) && bytes.substr(2, uid.size()) == uid;
}

std::error_code encode_request(const request& message, std::string& out) {
  return std::visit([&](const auto& r) { return encode(r, out); }, message);
}

std::error_code decode_request(std::string_view bytes, request& out, const decode_limits& limits) {
  json::value value;
  std::vector<std::string> attachments;
  if (auto ec = detail::parse_message(bytes, limits, value, attachments)) return ec;
  json::object* o = value.if_object();
  if (!o) return message_errc::invalid_message;
  std::uint64_t type = 0;
  if (auto ec = detail::read_request_type(*o, type)) return ec;
  if (type > static_cast<std::uint64_t>(request_type::broadcast_ack)) return message_errc::unknown_type;
  return decode_typed(static_cast<request_type>(type), *o, attachments, out);
}

}  // namespace switchboard::cluster
