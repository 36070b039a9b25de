// ClusterAdapter messages: {type, data, uid, nsp}, keys in the order socket.io-adapter builds them.
#include "switchboard/cluster/sharded_messages.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "fields.hpp"
#include "overloaded.hpp"
#include "switchboard/wire/msgpack.hpp"

namespace switchboard::cluster {
namespace json = boost::json;
using detail::opts_flags;
using type = cluster_message_type;

namespace {

// What a body becomes: its type, its data, and the binaries the data's placeholders name.
struct encoded_body {
  type kind{};
  std::optional<json::object> data;  // absent for presence messages
  const std::vector<std::string>* attachments = nullptr;
};

// {type: 2, data}: unlike the classic adapter, the ClusterAdapter leaves the packet's nsp out.
std::error_code packet_object(const wire::sio::packet& packet, json::object& out) {
  if (auto ec = detail::write_packet(packet, out)) return ec;
  out.erase("nsp");
  return {};
}

std::error_code encode_request_body(const request& r, encoded_body& out) {
  return std::visit(
      detail::overloaded{
          [&](const broadcast_request& m) -> std::error_code {
            json::object packet;
            if (auto ec = packet_object(m.packet, packet)) return ec;
            out.kind = type::broadcast;
            out.data = json::object{{"packet", std::move(packet)},
                                    {"requestId", m.request_id},
                                    {"opts", detail::write_opts(m.target, opts_flags::broadcast_with_timeout)}};
            out.attachments = &m.packet.attachments;
            return {};
          },
          [&](const remote_join_request& m) -> std::error_code {
            out.kind = type::sockets_join;
            out.data = json::object{{"opts", detail::write_opts(m.target, opts_flags::broadcast)},
                                    {"rooms", detail::string_array(m.rooms)}};
            return {};
          },
          [&](const remote_leave_request& m) -> std::error_code {
            out.kind = type::sockets_leave;
            out.data = json::object{{"opts", detail::write_opts(m.target, opts_flags::broadcast)},
                                    {"rooms", detail::string_array(m.rooms)}};
            return {};
          },
          [&](const remote_disconnect_request& m) -> std::error_code {
            out.kind = type::disconnect_sockets;
            out.data = json::object{{"opts", detail::write_opts(m.target, opts_flags::broadcast)}, {"close", m.close}};
            return {};
          },
          [&](const remote_fetch_request& m) -> std::error_code {
            out.kind = type::fetch_sockets;
            out.data = json::object{{"opts", detail::write_opts(m.target, opts_flags::broadcast)},
                                    {"requestId", m.request_id}};
            return {};
          },
          [&](const server_side_emit_request& m) -> std::error_code {
            out.kind = type::server_side_emit;
            out.data = json::object{};
            if (m.request_id) (*out.data)["requestId"] = *m.request_id;
            (*out.data)["packet"] = m.data;
            return {};
          },
          [](const auto&) -> std::error_code { return message_errc::unknown_type; },  // SOCKETS, ALL_ROOMS
      },
      r);
}

std::error_code encode_response_body(const response& r, encoded_body& out) {
  return std::visit(
      detail::overloaded{
          [&](const remote_fetch_response& m) -> std::error_code {
            out.kind = type::fetch_sockets_response;
            out.data = json::object{{"requestId", m.request_id}, {"sockets", detail::write_sockets(m.sockets)}};
            return {};
          },
          [&](const server_side_emit_response& m) -> std::error_code {
            out.kind = type::server_side_emit_response;
            out.data = json::object{{"requestId", m.request_id}};
            if (m.data) (*out.data)["packet"] = *m.data;  // JSON.stringify drops an undefined value
            return {};
          },
          [&](const broadcast_client_count_response& m) -> std::error_code {
            out.kind = type::broadcast_client_count;
            out.data = json::object{{"requestId", m.request_id}, {"clientCount", m.client_count}};
            return {};
          },
          [&](const broadcast_ack_response& m) -> std::error_code {
            out.kind = type::broadcast_ack;
            out.data = json::object{{"requestId", m.request_id}};
            if (m.value) (*out.data)["packet"] = *m.value;
            out.attachments = &m.attachments;
            return {};
          },
          [](const auto&) -> std::error_code { return message_errc::unknown_type; },  // SOCKETS, ALL_ROOMS
      },
      r);
}

std::error_code encode_body(const cluster_body& body, encoded_body& out) {
  return std::visit(
      detail::overloaded{
          [&](const presence_message& m) -> std::error_code {
            out.kind = m.type;
            return {};
          },
          [&](const broadcast_message& m) -> std::error_code {
            json::object packet;
            if (auto ec = packet_object(m.packet, packet)) return ec;
            out.kind = type::broadcast;
            out.data = json::object{{"packet", std::move(packet)},
                                    {"opts", detail::write_opts(m.target, opts_flags::broadcast)}};
            out.attachments = &m.packet.attachments;
            return {};
          },
          [&](const request& r) { return encode_request_body(r, out); },
          [&](const response& r) { return encode_response_body(r, out); },
      },
      body);
}

// ---- Decoders: `data` is the message's data, `attachments` its binaries. ----

std::error_code decode_broadcast_body(const std::string& uid, json::object& data, std::vector<std::string>& attachments,
                                      cluster_body& out) {
  std::optional<std::string> request_id;
  if (auto ec = detail::read_optional_string(data, "requestId", request_id)) return ec;
  const opts_flags flags = request_id ? opts_flags::broadcast_with_timeout : opts_flags::broadcast;
  sio::broadcast_target target;
  if (auto ec = detail::read_opts(data.if_contains("opts"), flags, target)) return ec;
  json::value* packet_value = data.if_contains("packet");
  if (!packet_value) return message_errc::missing_field;
  wire::sio::packet packet;
  if (auto ec = detail::read_packet(*packet_value, attachments, packet)) return ec;
  if (request_id) out = request{broadcast_request{uid, std::move(*request_id), std::move(packet), std::move(target)}};
  else out = broadcast_message{uid, std::move(packet), std::move(target)};
  return {};
}

template <class Request>
std::error_code decode_rooms_change(const std::string& uid, const json::object& data, cluster_body& out) {
  Request r;
  r.uid = uid;
  if (auto ec = detail::read_opts(data.if_contains("opts"), opts_flags::none, r.target)) return ec;
  if (auto ec = detail::read_strings(data, "rooms", r.rooms)) return ec;
  out = request{std::move(r)};
  return {};
}

std::error_code decode_disconnect(const std::string& uid, const json::object& data, cluster_body& out) {
  remote_disconnect_request r;
  r.uid = uid;
  if (auto ec = detail::read_opts(data.if_contains("opts"), opts_flags::none, r.target)) return ec;
  if (const json::value* close = data.if_contains("close")) {
    if (!close->is_bool()) return message_errc::invalid_field;
    r.close = close->get_bool();
  }
  out = request{std::move(r)};
  return {};
}

std::error_code decode_fetch_request(const std::string& uid, const json::object& data, cluster_body& out) {
  remote_fetch_request r;
  r.uid = uid;
  if (auto ec = detail::read_string(data, "requestId", r.request_id)) return ec;
  if (auto ec = detail::read_opts(data.if_contains("opts"), opts_flags::none, r.target)) return ec;
  out = request{std::move(r)};
  return {};
}

std::error_code decode_server_side_emit(const std::string& uid, json::object& data, cluster_body& out) {
  server_side_emit_request r;
  r.uid = uid;
  if (auto ec = detail::read_optional_string(data, "requestId", r.request_id)) return ec;
  json::value* packet = data.if_contains("packet");
  if (!packet) return message_errc::missing_field;
  if (!packet->is_array() || packet->get_array().empty()) return message_errc::invalid_field;
  r.data = std::move(packet->get_array());
  out = request{std::move(r)};
  return {};
}

// A reply: the shared decoders of the classic replies read the same fields.
std::error_code decode_reply(type kind, json::object& data, std::vector<std::string>& attachments, cluster_body& out) {
  std::string request_id;
  if (auto ec = detail::read_string(data, "requestId", request_id)) return ec;
  response r;
  std::error_code ec;
  switch (kind) {
    case type::fetch_sockets_response: ec = detail::decode_fetch(std::move(request_id), data, r); break;
    case type::server_side_emit_response:
      r = server_side_emit_response{std::move(request_id), detail::take_optional(data, "packet")};
      break;
    case type::broadcast_client_count: ec = detail::decode_client_count(std::move(request_id), data, r); break;
    default: ec = detail::decode_ack(std::move(request_id), data, attachments, r); break;
  }
  if (ec) return ec;
  out = std::move(r);
  return {};
}

}  // namespace

std::error_code encode_cluster_message(const cluster_message& message, std::string& out) {
  encoded_body body;
  if (auto ec = encode_body(message.body, body)) return ec;
  json::object o;
  o["type"] = static_cast<int>(body.kind);
  if (body.data) o["data"] = std::move(*body.data);
  o["uid"] = message.uid;
  o["nsp"] = message.nsp;
  if (body.attachments && !body.attachments->empty()) return wire::msgpack::encode(o, *body.attachments, out);
  return detail::write_json(o, out);
}

std::error_code decode_cluster_message(std::string_view bytes, cluster_message& out, const decode_limits& limits) {
  json::value value;
  std::vector<std::string> attachments;
  if (auto ec = detail::parse_message(bytes, limits, value, attachments)) return ec;
  json::object* o = value.if_object();
  if (!o) return message_errc::invalid_message;
  std::uint64_t number = 0;
  if (auto ec = detail::read_request_type(*o, number)) return ec;
  std::optional<std::string> uid;
  std::optional<std::string> nsp;
  if (auto ec = detail::read_optional_string(*o, "uid", uid)) return ec;
  if (auto ec = detail::read_optional_string(*o, "nsp", nsp)) return ec;
  out.uid = uid.value_or("");
  out.nsp = nsp.value_or("/");
  const auto kind = static_cast<type>(number);
  if (kind == type::initial_heartbeat || kind == type::heartbeat || kind == type::adapter_close) {
    out.body = presence_message{kind};
    return {};
  }
  if (number < 1 || number > 13) return message_errc::unknown_type;
  json::value* data_value = o->if_contains("data");
  if (!data_value) return message_errc::missing_field;
  json::object* data = data_value->if_object();
  if (!data) return message_errc::invalid_field;
  if (kind != type::broadcast && kind != type::broadcast_ack && !attachments.empty()) {
    return message_errc::invalid_field;  // binary values where this node reads none
  }
  switch (kind) {
    case type::broadcast: return decode_broadcast_body(out.uid, *data, attachments, out.body);
    case type::sockets_join: return decode_rooms_change<remote_join_request>(out.uid, *data, out.body);
    case type::sockets_leave: return decode_rooms_change<remote_leave_request>(out.uid, *data, out.body);
    case type::disconnect_sockets: return decode_disconnect(out.uid, *data, out.body);
    case type::fetch_sockets: return decode_fetch_request(out.uid, *data, out.body);
    case type::server_side_emit: return decode_server_side_emit(out.uid, *data, out.body);
    default: return decode_reply(kind, *data, attachments, out.body);
  }
}

}  // namespace switchboard::cluster
