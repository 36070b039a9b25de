#include "client_protocol.hpp"

#include <charconv>

namespace switchboard::bench {

namespace {

void record_event(std::string_view packet, fleet_stats& stats) {
  ++stats.received;
  constexpr std::string_view key = "\"t\":";
  const auto at = packet.find(key);
  if (at == std::string_view::npos) return;
  std::int64_t sent = 0;
  const char* first = packet.data() + at + key.size();
  if (std::from_chars(first, packet.data() + packet.size(), sent).ec == std::errc()) stats.latency.add(now_us() - sent);
}

}  // namespace

next_step on_engineio_packet(std::string_view packet, fleet_stats& stats) {
  if (packet.empty()) return next_step::nothing;
  switch (packet[0]) {
    case '0': return next_step::send_connect;  // OPEN
    case '1': return next_step::closed;
    case '2': return next_step::send_pong;  // PING
    case '4': break;                        // MESSAGE: a Socket.IO packet follows
    default: return next_step::nothing;
  }
  if (packet.size() < 2) return next_step::nothing;
  switch (packet[1]) {
    case '0': return next_step::connected;
    case '1': return next_step::closed;
    case '2': record_event(packet, stats); return next_step::nothing;
    case '4': stats.fail(packet.substr(0, 200)); return next_step::refused;  // CONNECT_ERROR
    default: return next_step::nothing;
  }
}

std::string connect_packet(std::string_view token) {
  std::string packet = "40{\"token\":\"";
  packet += token;
  packet += "\"}";
  return packet;
}

}  // namespace switchboard::bench
