#include "packets.hpp"

#include <array>

#include "switchboard/http/secure_random.hpp"
#include "switchboard/wire/base64.hpp"

namespace switchboard::sio::detail {

wire::sio::packet make_event_packet(std::string_view event, arguments args) {
  wire::sio::packet p;
  p.type = wire::sio::packet_type::event;
  boost::json::array data;
  data.reserve(args.values.size() + 1);
  data.emplace_back(event);
  for (auto& v : args.values) data.push_back(std::move(v));
  p.data = std::move(data);
  p.attachments = std::move(args.binaries);
  return p;
}

std::error_code encode_packet(parser_kind parser, const wire::sio::packet& p, wire::sio::msgpack_parser::shape shape,
                              wire::frame_ptr& out) {
  if (parser == parser_kind::json) return wire::sio::encode_frame(p, out);
  if (shape != wire::sio::msgpack_parser::shape::broadcast) return wire::sio::msgpack_parser::encode_frame(p, shape, out);
  // A broadcast may reach JSON clients of a msgpack server too: both encodings travel together.
  std::string bytes;
  if (const auto ec = wire::sio::msgpack_parser::encode(p, shape, bytes)) return ec;
  wire::frame_ptr json;
  if (const auto ec = wire::sio::encode_frame(p, json)) return ec;
  std::vector<wire::frame::message> messages{{true, std::move(bytes)}};
  out = std::make_shared<const wire::frame>(std::move(messages), std::move(json));
  return {};
}

std::string make_socket_id() {
  std::array<unsigned char, 15> random{};
  http::secure_random(random);
  std::string id;
  wire::append_base64(std::string_view(reinterpret_cast<const char*>(random.data()), random.size()), id);
  for (char& c : id) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return id;
}

std::string make_correlation_id() {
  std::array<unsigned char, 8> random{};
  http::secure_random(random);
  std::string id;
  wire::append_hex(std::string_view(reinterpret_cast<const char*>(random.data()), random.size()), id);
  return id;
}

}  // namespace switchboard::sio::detail
