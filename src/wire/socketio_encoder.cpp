#include <charconv>

#include "switchboard/wire/error.hpp"
#include "switchboard/wire/json_text.hpp"
#include "switchboard/wire/socketio.hpp"

namespace switchboard::wire::sio {
namespace {

// The type on the wire follows the attachments: EVENT/ACK with binary become BINARY_EVENT/ACK.
std::error_code wire_type(const packet& p, packet_type& out) {
  const bool has_binary = !p.attachments.empty();
  switch (p.type) {
    case packet_type::event:
    case packet_type::binary_event:
      out = has_binary ? packet_type::binary_event : packet_type::event;
      return {};
    case packet_type::ack:
    case packet_type::binary_ack:
      out = has_binary ? packet_type::binary_ack : packet_type::ack;
      return {};
    default:
      out = p.type;
      return has_binary ? make_error_code(errc::invalid_attachments) : std::error_code{};
  }
}

void append_number(std::uint64_t v, std::string& out) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

}  // namespace

std::error_code encode_text(const packet& p, std::string& out) {
  packet_type type{};
  if (auto ec = wire_type(p, type)) return ec;
  const bool named_nsp = !p.nsp.empty() && p.nsp != "/";
  if (named_nsp && (p.nsp.front() != '/' || p.nsp.find(',') != std::string::npos)) {
    return errc::invalid_namespace;
  }
  if (p.id && *p.id > max_ack_id) return errc::invalid_ack_id;

  out.push_back(static_cast<char>('0' + static_cast<int>(type)));
  if (type == packet_type::binary_event || type == packet_type::binary_ack) {
    append_number(p.attachments.size(), out);
    out.push_back('-');
  }
  if (named_nsp) {
    out.append(p.nsp);
    out.push_back(',');
  }
  if (p.id) append_number(*p.id, out);
  if (p.data) append_json(*p.data, out);
  return {};
}

std::error_code encode_frame(const packet& p, frame_ptr& out) {
  std::vector<frame::message> messages;
  messages.reserve(1 + p.attachments.size());
  std::string text;
  eio::append_text_packet(eio::packet_type::message, {}, text);
  if (auto ec = encode_text(p, text)) return ec;
  messages.push_back({false, std::move(text)});
  for (const std::string& attachment : p.attachments) messages.push_back({true, attachment});
  out = std::make_shared<const frame>(std::move(messages));
  return {};
}

}  // namespace switchboard::wire::sio
