#pragma once
// Helpers shared by the message encoders and decoders: reading typed fields out of a decoded
// message, and writing the parts that several messages share (a packet, a target's opts).
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "switchboard/cluster/messages.hpp"

namespace switchboard::cluster::detail {

// A whole message, JSON when it starts with '{' and MessagePack otherwise, as Node tells them apart.
std::error_code parse_message(std::string_view bytes, const decode_limits& limits, boost::json::value& out,
                              std::vector<std::string>& attachments);

// Field readers: a missing field is message_errc::missing_field, a wrongly typed one message_errc::invalid_field.
std::error_code read_string(const boost::json::object& o, std::string_view key, std::string& out);
std::error_code read_optional_string(const boost::json::object& o, std::string_view key,
                                     std::optional<std::string>& out);
std::error_code read_strings(const boost::json::object& o, std::string_view key, std::vector<std::string>& out);
std::error_code read_request_type(const boost::json::object& o, std::uint64_t& type);

// A message's "type" field.
inline boost::json::value type_value(request_type type) { return static_cast<int>(type); }

// Appends `o` as JSON.stringify writes it; never fails (a uniform return for the encoders).
std::error_code write_json(const boost::json::object& o, std::string& out);

// A JSON array of strings, in iteration order.
template <typename Strings>
boost::json::array string_array(const Strings& strings) {
  boost::json::array out;
  out.reserve(strings.size());
  for (const auto& s : strings) out.emplace_back(s);
  return out;
}

// opts of a target: {rooms, except} for requests 2 to 5, {rooms, except, flags} for broadcasts.
enum class opts_flags { none, broadcast, broadcast_with_timeout };
boost::json::object write_opts(const sio::broadcast_target& target, opts_flags flags,
                               layout order = layout::adapter);
// Reads opts (null: missing): rooms and except, and flags when `flags` is not none.
std::error_code read_opts(const boost::json::value* opts, opts_flags flags, sio::broadcast_target& out);

// {type: 2, data, nsp}, as socket.io builds a broadcast packet.
std::error_code write_packet(const wire::sio::packet& packet, boost::json::object& out);
// Reads a packet and takes `attachments`, which must be exactly those its data names.
std::error_code read_packet(boost::json::value& value, std::vector<std::string>& attachments,
                            wire::sio::packet& out);

// Parts of replies (responses.cpp), shared by both protocols' decoders.
boost::json::array write_sockets(const std::vector<remote_socket>& sockets);
std::error_code decode_fetch(std::string request_id, boost::json::object& o, response& out);  // {sockets}
std::error_code decode_client_count(std::string request_id, const boost::json::object& o, response& out);
std::error_code decode_ack(std::string request_id, boost::json::object& o, std::vector<std::string>& attachments,
                           response& out);  // {packet?} and its binaries
// The value under `key`, moved out, if there is one.
std::optional<boost::json::value> take_optional(boost::json::object& o, std::string_view key);

// Placeholders in `value` must name each of `attachments` once (message_errc::invalid_field otherwise).
std::error_code check_attachments(const boost::json::value& value, std::size_t attachments);

}  // namespace switchboard::cluster::detail
