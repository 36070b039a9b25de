// Replies to requests: built with keys in the order the Node adapter builds them.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <string>
#include <vector>

#include "fields.hpp"
#include "switchboard/cluster/messages.hpp"
#include "switchboard/wire/msgpack.hpp"

namespace switchboard::cluster {
namespace json = boost::json;

namespace detail {

json::array write_sockets(const std::vector<remote_socket>& sockets) {
  json::array out;
  out.reserve(sockets.size());
  for (const remote_socket& s : sockets) {
    out.emplace_back(json::object{
        {"id", s.id}, {"handshake", s.handshake}, {"rooms", string_array(s.rooms)}, {"data", s.data}});
  }
  return out;
}

std::error_code decode_socket(json::value& v, remote_socket& out) {
  json::object* o = v.if_object();
  if (!o) return message_errc::invalid_field;
  if (auto ec = read_string(*o, "id", out.id)) return ec;
  json::value* handshake = o->if_contains("handshake");
  if (!handshake) return message_errc::missing_field;
  if (!handshake->is_object()) return message_errc::invalid_field;
  out.handshake = std::move(handshake->get_object());
  if (auto ec = read_strings(*o, "rooms", out.rooms)) return ec;
  json::value* data = o->if_contains("data");
  out.data = data ? std::move(*data) : json::value();
  return {};
}

std::error_code decode_fetch(std::string request_id, json::object& o, response& out) {
  remote_fetch_response r{std::move(request_id), {}};
  json::value* sockets = o.if_contains("sockets");
  if (!sockets) return message_errc::missing_field;
  if (!sockets->is_array()) return message_errc::invalid_field;
  r.sockets.resize(sockets->get_array().size());
  for (std::size_t i = 0; i < r.sockets.size(); ++i) {
    if (auto ec = decode_socket(sockets->get_array()[i], r.sockets[i])) return ec;
  }
  out = std::move(r);
  return {};
}

// The optional value under `key`, moved out.
std::optional<json::value> take_optional(json::object& o, std::string_view key) {
  json::value* v = o.if_contains(key);
  return v ? std::optional<json::value>(std::move(*v)) : std::nullopt;
}

std::error_code decode_client_count(std::string request_id, const json::object& o, response& out) {
  const json::value* count = o.if_contains("clientCount");
  if (!count) return message_errc::missing_field;
  boost::system::error_code not_a_count;
  const auto n = count->is_number() ? count->to_number<std::uint64_t>(not_a_count) : 0;
  if (!count->is_number() || not_a_count) return message_errc::invalid_field;
  out = broadcast_client_count_response{std::move(request_id), n};
  return {};
}

std::error_code decode_ack(std::string request_id, json::object& o, std::vector<std::string>& attachments,
                           response& out) {
  broadcast_ack_response r{std::move(request_id), take_optional(o, "packet"), {}};
  if (auto ec = check_attachments(r.value ? *r.value : json::value(), attachments.size())) return ec;
  r.attachments = std::move(attachments);
  out = std::move(r);
  return {};
}

}  // namespace detail

namespace {

// ---- Encoders ----

std::error_code encode(const sockets_response& r, std::string& out) {
  return detail::write_json({{"requestId", r.request_id}, {"sockets", detail::string_array(r.sockets)}}, out);
}

std::error_code encode(const all_rooms_response& r, std::string& out) {
  return detail::write_json({{"requestId", r.request_id}, {"rooms", detail::string_array(r.rooms)}}, out);
}

std::error_code encode(const remote_fetch_response& r, std::string& out) {
  return detail::write_json({{"requestId", r.request_id}, {"sockets", detail::write_sockets(r.sockets)}}, out);
}

std::error_code encode(const server_side_emit_response& r, std::string& out) {
  json::object o{{"type", detail::type_value(request_type::server_side_emit)}, {"requestId", r.request_id}};
  if (r.data) o["data"] = *r.data;  // JSON.stringify drops an undefined value
  return detail::write_json(o, out);
}

std::error_code encode(const broadcast_client_count_response& r, std::string& out) {
  return detail::write_json({{"type", detail::type_value(request_type::broadcast_client_count)},
                     {"requestId", r.request_id},
                     {"clientCount", r.client_count}},
                    out);
}

std::error_code encode(const broadcast_ack_response& r, std::string& out) {
  json::object o{{"type", detail::type_value(request_type::broadcast_ack)}, {"requestId", r.request_id}};
  if (r.value) o["packet"] = *r.value;  // notepack drops an undefined value
  return wire::msgpack::encode(o, r.attachments, out);
}

// ---- Decoders: `o` is the whole reply. ----

// A reply to a broadcast with ack says which of the two it is.
std::error_code decode_broadcast_reply(std::string request_id, json::object& o,
                                       std::vector<std::string>& attachments, response& out) {
  std::uint64_t type = 0;
  if (auto ec = detail::read_request_type(o, type)) return ec;
  if (type == static_cast<std::uint64_t>(request_type::broadcast_ack)) {
    return detail::decode_ack(std::move(request_id), o, attachments, out);
  }
  if (!attachments.empty()) return message_errc::invalid_field;
  if (type == static_cast<std::uint64_t>(request_type::broadcast_client_count)) {
    return detail::decode_client_count(std::move(request_id), o, out);
  }
  return message_errc::unknown_type;
}

std::error_code decode_typed(request_type pending, std::string request_id, json::object& o,
                             std::vector<std::string>& attachments, response& out) {
  if (pending == request_type::broadcast) return decode_broadcast_reply(std::move(request_id), o, attachments, out);
  if (!attachments.empty()) return message_errc::invalid_field;  // only a BROADCAST_ACK carries binary values
  switch (pending) {
    case request_type::sockets: {
      sockets_response r{std::move(request_id), {}};
      if (auto ec = detail::read_strings(o, "sockets", r.sockets)) return ec;
      out = std::move(r);
      return {};
    }
    case request_type::all_rooms: {
      all_rooms_response r{std::move(request_id), {}};
      if (auto ec = detail::read_strings(o, "rooms", r.rooms)) return ec;
      out = std::move(r);
      return {};
    }
    case request_type::remote_fetch: return detail::decode_fetch(std::move(request_id), o, out);
    case request_type::server_side_emit:
      out = server_side_emit_response{std::move(request_id), detail::take_optional(o, "data")};
      return {};
    default: return message_errc::unknown_type;  // no reply of this kind exists
  }
}

}  // namespace

std::error_code encode_response(const response& message, std::string& out) {
  return std::visit([&](const auto& r) { return encode(r, out); }, message);
}

std::error_code decode_response(std::string_view bytes, const pending_lookup& pending, response& out,
                                const decode_limits& limits) {
  json::value value;
  std::vector<std::string> attachments;
  if (auto ec = detail::parse_message(bytes, limits, value, attachments)) return ec;
  json::object* o = value.if_object();
  if (!o) return message_errc::invalid_message;
  std::string request_id;
  if (auto ec = detail::read_string(*o, "requestId", request_id)) return ec;
  const std::optional<request_type> type = pending(request_id);
  if (!type) return message_errc::unknown_request;
  return decode_typed(*type, std::move(request_id), *o, attachments, out);
}

}  // namespace switchboard::cluster
