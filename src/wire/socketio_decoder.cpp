#include <algorithm>
#include <array>
#include <charconv>

#include "switchboard/wire/error.hpp"
#include "switchboard/wire/json_text.hpp"
#include "switchboard/wire/socketio.hpp"

namespace switchboard::wire::sio {
namespace {

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

bool is_binary_type(packet_type t) noexcept {
  return t == packet_type::binary_event || t == packet_type::binary_ack;
}

// Payload rules of the reference parser (socket.io-parser isPayloadValid), plus: EVENT and ACK
// need a payload, since a handler cannot be called without an event name.
std::error_code validate_payload(packet_type type, const std::optional<boost::json::value>& data) {
  switch (type) {
    case packet_type::connect:
      return !data || data->is_object() ? std::error_code{} : errc::invalid_payload;
    case packet_type::disconnect:
      return !data ? std::error_code{} : errc::invalid_payload;
    case packet_type::connect_error:
      return data && (data->is_string() || data->is_object()) ? std::error_code{}
                                                              : errc::invalid_payload;
    case packet_type::event:
    case packet_type::binary_event: {
      if (!data || !data->is_array() || data->get_array().empty()) return errc::invalid_payload;
      const boost::json::value& name = data->get_array().front();
      if (name.is_number()) return {};
      if (!name.is_string()) return errc::invalid_payload;
      return is_reserved_event(name.get_string()) ? errc::reserved_event_name : std::error_code{};
    }
    case packet_type::ack:
    case packet_type::binary_ack:
      return data && data->is_array() ? std::error_code{} : errc::invalid_payload;
  }
  return errc::unknown_packet_type;
}

// Counts the placeholders of `v`; any that does not name an attachment below `attachments` fails.
std::error_code count_placeholders(const boost::json::value& v, std::size_t attachments,
                                   std::size_t& count) {
  if (const auto* array = v.if_array()) {
    for (const auto& item : *array) {
      if (auto ec = count_placeholders(item, attachments, count)) return ec;
    }
  } else if (const auto* object = v.if_object()) {
    const auto* flag = object->if_contains("_placeholder");
    if (flag && flag->is_bool() && flag->get_bool()) {
      const auto* num = object->if_contains("num");
      boost::system::error_code not_an_index;
      const auto index = num ? num->to_number<std::uint64_t>(not_an_index) : 0;
      if (!num || not_an_index || index >= attachments) {
        return errc::invalid_attachments;
      }
      ++count;
      return {};
    }
    for (const auto& [key, item] : *object) {
      if (auto ec = count_placeholders(item, attachments, count)) return ec;
    }
  }
  return {};
}

// Reads the text form into `out`; `attachments` gets the announced count (0 if not binary).
std::error_code parse_text(std::string_view text, const decoder_limits& limits, packet& out,
                           std::size_t& attachments) {
  if (text.empty()) return errc::empty_packet;
  if (text[0] < '0' || text[0] > '6') return errc::unknown_packet_type;
  out.type = static_cast<packet_type>(text[0] - '0');
  std::size_t i = 1;

  attachments = 0;
  if (is_binary_type(out.type)) {
    const std::size_t dash = text.find('-', i);
    if (dash == std::string_view::npos || dash == i) return errc::invalid_attachments;
    const std::string_view count = text.substr(i, dash - i);
    if (!std::all_of(count.begin(), count.end(), is_digit)) return errc::invalid_attachments;
    if (count.size() > 6) return errc::too_many_attachments;
    std::from_chars(count.data(), count.data() + count.size(), attachments);
    if (attachments == 0) return errc::invalid_attachments;
    if (attachments > limits.max_attachments) return errc::too_many_attachments;
    i = dash + 1;
  }

  out.nsp = "/";
  if (i < text.size() && text[i] == '/') {
    const std::size_t comma = std::min(text.find(',', i), text.size());
    if (comma - i > limits.max_namespace_length) return errc::invalid_namespace;
    out.nsp.assign(text.substr(i, comma - i));
    i = std::min(comma + 1, text.size());
  }

  out.id.reset();
  const std::size_t id_start = i;
  while (i < text.size() && is_digit(text[i])) ++i;
  if (i > id_start) {
    std::uint64_t id = 0;
    const auto r = std::from_chars(text.data() + id_start, text.data() + i, id);
    if (r.ec != std::errc{} || id > max_ack_id) return errc::invalid_ack_id;
    out.id = id;
  }

  out.data.reset();
  if (i < text.size()) {
    boost::json::value data;
    if (auto ec = parse_json(text.substr(i), limits.max_depth, data)) return ec;
    out.data = std::move(data);
  }
  return validate_payload(out.type, out.data);
}

}  // namespace

bool is_reserved_event(std::string_view name) noexcept {
  static constexpr std::array<std::string_view, 6> reserved = {
      "connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"};
  return std::find(reserved.begin(), reserved.end(), name) != reserved.end();
}

std::error_code decoder::add_text(std::string_view text, status& result, packet& out) {
  if (pending_) {
    reset();
    return errc::unexpected_text;
  }
  packet p;
  std::size_t attachments = 0;
  if (auto ec = parse_text(text, limits_, p, attachments)) return ec;
  if (attachments == 0) {
    out = std::move(p);
    result = status::packet_ready;
    return {};
  }
  std::size_t placeholders = 0;
  if (auto ec = count_placeholders(*p.data, attachments, placeholders)) return ec;
  if (placeholders != attachments) return errc::invalid_attachments;
  // Attachments arrive as plain binary messages; the packet is an EVENT/ACK again once complete.
  p.type = p.type == packet_type::binary_event ? packet_type::event : packet_type::ack;
  p.attachments.reserve(attachments);
  pending_ = std::move(p);
  expected_attachments_ = attachments;
  result = status::need_attachment;
  return {};
}

std::error_code decoder::add_binary(std::string bytes, status& result, packet& out) {
  if (!pending_) return errc::unexpected_binary;
  pending_->attachments.push_back(std::move(bytes));
  if (pending_->attachments.size() < expected_attachments_) {
    result = status::need_attachment;
    return {};
  }
  out = std::move(*pending_);
  reset();
  result = status::packet_ready;
  return {};
}

void decoder::reset() noexcept {
  pending_.reset();
  expected_attachments_ = 0;
}

}  // namespace switchboard::wire::sio
