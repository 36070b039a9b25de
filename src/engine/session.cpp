#include "switchboard/engine/session.hpp"

#include "query.hpp"

namespace switchboard::engine {

send_status session::send_text(std::string_view data) {
  return send(wire::make_text_frame(wire::eio::packet_type::message, data));
}

std::string session::query(std::string_view key) const {
  return detail::query_param(handshake().target(), key).value_or(std::string());
}

}  // namespace switchboard::engine
