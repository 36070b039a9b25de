#include "packets.hpp"

#include <openssl/rand.h>

#include <array>
#include <stdexcept>

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

std::string make_socket_id() {
  std::array<char, 15> random{};
  if (RAND_bytes(reinterpret_cast<unsigned char*>(random.data()), static_cast<int>(random.size())) != 1) {
    throw std::runtime_error("OpenSSL RAND_bytes failed");
  }
  std::string id;
  wire::append_base64(std::string_view(random.data(), random.size()), id);
  for (char& c : id) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return id;
}

std::string make_correlation_id() {
  std::array<unsigned char, 8> random{};
  if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1) {
    throw std::runtime_error("OpenSSL RAND_bytes failed");
  }
  std::string id;
  wire::append_hex(std::string_view(reinterpret_cast<const char*>(random.data()), random.size()), id);
  return id;
}

}  // namespace switchboard::sio::detail
