#include "limits.hpp"

namespace switchboard::app {

void apply_limits(const config& c, sio::options& io) {
  const auto& l = c.limits;
  engine::options& e = io.engine;
  e.ping_interval = c.engine.ping_interval;
  e.allow_eio3 = c.engine.allow_eio3;
  io.parser = c.server.parser == "msgpack" ? sio::parser_kind::msgpack : sio::parser_kind::json;
  e.ping_timeout = c.engine.ping_timeout;
  e.max_payload = c.engine.max_payload;
  e.outbound.max_packets = l.outbound_packets;
  e.outbound.max_bytes = l.outbound_bytes;
  e.outbound.on_overflow = l.overflow == "drop" ? engine::overflow_policy::drop : engine::overflow_policy::close;
  e.clients.max_sessions_per_address = l.sessions_per_address;
  e.clients.handshakes_per_second = static_cast<double>(l.handshakes_per_second);
  e.clients.handshake_burst = static_cast<double>(l.handshake_burst);
  e.clients.exempt_loopback = l.exempt_loopback;
  e.clients.exempt_addresses = http::address_ranges::parse(l.exempt_addresses);  // checked by load_config
  e.clients.trust_proxy = c.server.trust_proxy;
  e.unauthenticated.max_sessions = l.unauthenticated_sessions;
  e.unauthenticated.max_bytes = l.unauthenticated_bytes;
  e.unauthenticated.pre_auth_timeout = l.pre_auth_timeout;
  io.events.events_per_second = static_cast<std::uint32_t>(l.events_per_second);
  io.events.event_burst = static_cast<std::uint32_t>(l.event_burst);
  io.events.on_excess = l.event_flood == "disconnect" ? sio::event_overflow::disconnect : sio::event_overflow::drop;
  io.max_pending_acks = l.pending_acks;
  io.max_parked_attachment_bytes = l.parked_attachment_bytes;
}

void apply_limits(const config& c, http::server_options& http) {
  const auto& l = c.limits;
  http.max_connections = l.connections;
  http.max_connections_per_ip = l.connections_per_address;
  http.max_header_phase_connections = l.header_connections;
  http.header_timeout = l.header_timeout;
  http.exempt_loopback = l.exempt_loopback;
  http.exempt_addresses = http::address_ranges::parse(l.exempt_addresses);
}

}  // namespace switchboard::app
