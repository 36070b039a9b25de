#pragma once
// Packet builders shared by the Socket.IO codec tests.
#include <boost/json.hpp>
#include <string>

#include "switchboard/wire/socketio.hpp"

namespace sio_test {

namespace sio = switchboard::wire::sio;

inline sio::packet make(sio::packet_type type, std::string nsp, std::string_view json_data = {},
                        std::optional<std::uint64_t> id = {},
                        std::vector<std::string> attachments = {}) {
  sio::packet p;
  p.type = type;
  p.nsp = std::move(nsp);
  p.id = id;
  if (!json_data.empty()) p.data = boost::json::parse(json_data);
  p.attachments = std::move(attachments);
  return p;
}

inline std::string bytes(std::initializer_list<unsigned char> b) { return {b.begin(), b.end()}; }

}  // namespace sio_test
