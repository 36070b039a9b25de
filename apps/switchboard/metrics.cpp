#include "metrics.hpp"

#include <initializer_list>
#include <utility>

#include "memory_release.hpp"
#include "process_memory.hpp"
#include "routes.hpp"
#include "switchboard/log/sampled.hpp"

namespace switchboard::app {
namespace {

// A Prometheus label value: backslash, quote and newline escaped.
std::string label(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

void metric_header(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  out += "# HELP " + std::string(name) + " " + std::string(help) + "\n# TYPE " + std::string(name) + " " +
         std::string(type) + "\n";
}

void metric(std::string& out, std::string_view name, std::string_view type, std::string_view help, std::uint64_t value) {
  metric_header(out, name, type, help);
  out += std::string(name) + " " + std::to_string(value) + "\n";
}

// One counter or gauge with a value per value of `label_name`.
void labelled_metric(std::string& out, std::string_view name, std::string_view type, std::string_view help,
                     std::string_view label_name,
                     std::initializer_list<std::pair<std::string_view, std::uint64_t>> values) {
  metric_header(out, name, type, help);
  for (const auto& [value_label, value] : values) {
    out += std::string(name) + "{" + std::string(label_name) + "=\"" + label(value_label) + "\"} " +
           std::to_string(value) + "\n";
  }
}

void render_cluster(std::string& out, const cluster::redis_adapter_stats& s) {
  metric(out, "switchboard_cluster_connected", "gauge",
         "1 when both Redis connections are up; 0: degraded, local delivery only.", s.connected ? 1 : 0);
  metric(out, "switchboard_cluster_redis_errors_total", "counter",
         "Redis errors: failed connects, lost connections, error replies.", s.redis_errors);
  metric(out, "switchboard_cluster_redis_reconnects_total", "counter", "Redis connections made again after a loss.",
         s.reconnects);
  metric(out, "switchboard_cluster_publish_failures_total", "counter",
         "Messages for other nodes that could not be published.", s.publish_failures);
  metric(out, "switchboard_cluster_request_timeouts_total", "counter", "Cluster requests answered with partial results.",
         s.request_timeouts);
  metric(out, "switchboard_cluster_invalid_messages_total", "counter", "Messages from Redis that did not decode.",
         s.invalid_messages);
  metric(out, "switchboard_cluster_messages_published_total", "counter", "Messages published to other nodes.",
         s.published);
  metric(out, "switchboard_cluster_messages_received_total", "counter", "Messages received from other nodes.",
         s.received);
}

// Requests for other nodes' sessions (long-polling without sticky sessions).
void render_relay(std::string& out, const engine::server::traffic& t) {
  metric(out, "switchboard_relayed_requests_total", "counter", "Polling requests relayed to the node owning their session.",
         t.relayed_requests);
  metric(out, "switchboard_relayed_upgrades_total", "counter", "WebSocket upgrades tunnelled to the node owning their session.",
         t.relayed_upgrades);
  labelled_metric(out, "switchboard_relay_failures_total", "counter",
                  "Relayed requests that failed: owner gone or unreachable (400 Session ID unknown), "
                  "cluster.relay_connections busy (503), broken in flight (502).",
                  "reason",
                  {{"owner_gone", t.relay_owner_gone},
                   {"unreachable", t.relay.unreachable},
                   {"busy", t.relay.busy},
                   {"failed", t.relay.failed}});
  metric(out, "switchboard_relay_connections", "gauge", "Connections open to other nodes for relayed requests.",
         t.relay.connections);
}

// What each limit refused or dropped (docs/SECURITY.md has what the client sees for each).
void render_limits(std::string& out, const engine::server::traffic& t, realtime::server& rt) {
  sio::server& io = rt.io();
  metric(out, "switchboard_queue_byte_overflows_total", "counter",
         "Sends that found a session's outbound queue over limits.outbound_bytes.", t.byte_overflows);
  metric(out, "switchboard_queued_bytes", "gauge", "Bytes waiting in the sessions' outbound queues.", t.queued_bytes);
  labelled_metric(out, "switchboard_handshakes_refused_total", "counter",
                  "Engine.IO handshakes refused by a limit (429 or 503).", "limit",
                  {{"sessions_per_address", t.refused_address_sessions},
                   {"handshakes_per_second", t.refused_handshake_rate},
                   {"unauthenticated", t.refused_unauthenticated}});
  metric(out, "switchboard_pre_auth_timeouts_total", "counter",
         "Sessions closed for not authenticating within limits.pre_auth_timeout.", t.pre_auth_timeouts);
  metric(out, "switchboard_probe_abuse_total", "counter", "WebSocket upgrades closed for a repeated 2probe.", t.probe_abuse);
  render_relay(out, t);
  metric(out, "switchboard_unauthenticated_sessions", "gauge", "Engine.IO sessions not yet authenticated.",
         io.engine().unauthenticated_sessions());
  metric(out, "switchboard_unauthenticated_bytes", "gauge", "Bytes held by sessions not yet authenticated.",
         io.engine().unauthenticated_bytes());
  metric(out, "switchboard_events_dropped_total", "counter", "Inbound events over a socket's token bucket, dropped.",
         io.dropped_events());
  metric(out, "switchboard_event_limit_disconnects_total", "counter",
         "Sockets disconnected for exceeding the event rate (event_flood = \"disconnect\").", io.event_limit_disconnects());
  metric(out, "switchboard_handler_errors_total", "counter", "User handlers that threw (logged; their socket closed).",
         io.handler_errors());
  metric(out, "switchboard_attachment_refusals_total", "counter",
         "Connections closed for binary before CONNECT or over limits.parked_attachment_bytes.", io.attachment_refusals());
  metric(out, "switchboard_dynamic_namespaces", "gauge", "Dynamic namespaces alive.", io.dynamic_namespaces_alive());
  metric(out, "switchboard_sessions_revoked_total", "counter", "Session revocations applied to live sockets.",
         rt.revocations_applied());
  metric(out, "switchboard_revocation_errors_total", "counter", "Failed reads of the session store's revocation log.",
         rt.revocation_errors());
  metric(out, "switchboard_log_records_suppressed_total", "counter", "Repeated warnings counted, not written (sampling).",
         log::suppressed_total());
}

void render_connections(std::string& out, const http::server& http) {
  const http::server_stats s = http.stats();
  metric(out, "switchboard_connections", "gauge", "TCP connections open.", s.connections_open);
  metric(out, "switchboard_connections_limit", "gauge", "limits.connections in force.", http.max_connections());
  labelled_metric(out, "switchboard_connections_refused_total", "counter",
                  "Connections answered 503 and closed by a limit.", "limit",
                  {{"connections", s.refused_total_limit},
                   {"connections_per_address", s.refused_per_ip_limit},
                   {"header_connections", s.refused_header_phase_limit}});
  metric(out, "switchboard_header_timeouts_total", "counter", "Connections closed at limits.header_timeout.",
         s.header_timeouts);
  metric(out, "switchboard_accept_errors_total", "counter", "Failed accepts (out of descriptors: EMFILE, ENFILE).",
         s.accept_errors);
  metric(out, "switchboard_framing_refused_total", "counter",
         "Requests refused for their framing (Transfer-Encoding, Content-Length).", s.framing_refused);
  metric(out, "switchboard_websocket_queue_overflows_total", "counter",
         "WebSocket connections dropped for their outbound queue.", s.websocket_queue_overflows);
  metric(out, "switchboard_websocket_pongs_replaced_total", "counter",
         "Pongs superseded by a newer ping before they were sent.", s.websocket_pongs_replaced);
}

}  // namespace

static void render_admin(std::string& out, const admin::counters& a) {
  metric(out, "switchboard_admin_reports_total", "counter", "Socket, room and event reports sent to the Admin UI.", a.reports);
  metric(out, "switchboard_admin_dropped_reports_total", "counter",
         "Admin UI reports dropped over admin.max_reports_per_second.", a.dropped_reports);
  metric(out, "switchboard_admin_logins_total", "counter", "Admin UI connections admitted.", a.logins);
  metric(out, "switchboard_admin_refused_logins_total", "counter", "Admin UI logins refused (invalid credentials).",
         a.refused_logins);
  metric(out, "switchboard_admin_busy_logins_total", "counter", "Admin UI logins refused: too many password checks waiting.",
         a.busy_logins);
  metric(out, "switchboard_admin_actions_total", "counter", "Admin UI actions carried out (join, leave, disconnect).", a.actions);
}

// The server's reports, counted. It names the metrics weakly: the server keeps its observers.
class metrics::socket_counter final : public sio::observer {
 public:
  explicit socket_counter(std::weak_ptr<metrics> m) : metrics_(std::move(m)) {}

  void socket_connected(sio::socket& s) override { count(s, is_websocket(s), +1); }
  void socket_disconnected(sio::socket& s, std::string_view) override { count(s, is_websocket(s), -1); }
  void transport_upgraded(sio::socket& s) override {
    count(s, false, -1);
    count(s, true, +1);
  }
  void room_joined(sio::socket&, const std::string&) override {}
  void room_left(sio::socket&, const std::string&) override {}
  void event_received(sio::socket&, std::string_view, const sio::arguments&) override {
    if (auto m = metrics_.lock()) m->received_.fetch_add(1, std::memory_order_relaxed);
  }
  void event_sent(sio::socket&, const wire::sio::packet&) override {}
  bool wants_broadcast_events() const override { return false; }

 private:
  static bool is_websocket(const sio::socket& s) {
    return s.session().transport() == engine::transport_kind::websocket;
  }
  void count(const sio::socket& s, bool websocket, int delta) {
    if (auto m = metrics_.lock()) m->count_socket(s.nsp(), websocket, delta);
  }
  std::weak_ptr<metrics> metrics_;
};

void metrics::watch(realtime::server& server) {
  watched_ = &server;
  server.io().observe(std::make_shared<socket_counter>(weak_from_this()));
}

void metrics::count_socket(const std::string& nsp, bool websocket, int delta) {
  std::lock_guard lock(mutex_);
  connected_[{nsp, websocket ? "websocket" : "polling"}] += delta;
}

void metrics::attempt(std::string_view outcome) {
  std::lock_guard lock(mutex_);
  ++attempts_[std::string(outcome)];
}

std::string metrics::render(const engine::server& engine, const http::server& http) const {
  std::string out;
  labelled_metric(out, "switchboard_build_info", "gauge", "Build information.", "version", {{SWITCHBOARD_VERSION, 1}});
  metric(out, "switchboard_engine_sessions", "gauge", "Engine.IO sessions open.", engine.session_count());
  {
    std::lock_guard lock(mutex_);
    metric_header(out, "switchboard_sockets", "gauge", "Connected sockets by namespace and current transport.");
    for (const auto& [key, n] : connected_) {
      out += "switchboard_sockets{namespace=\"" + label(key.first) + "\",transport=\"" + key.second + "\"} " +
             std::to_string(n) + "\n";
    }
    metric_header(out, "switchboard_connection_attempts_total", "counter",
                  "Authenticated connection attempts by outcome.");
    for (const auto& [outcome, n] : attempts_) {
      out += "switchboard_connection_attempts_total{outcome=\"" + label(outcome) + "\"} " + std::to_string(n) + "\n";
    }
  }
  const auto traffic = engine.traffic_totals();
  const auto counter = [&out](std::string_view name, std::string_view help, std::uint64_t value) {
    metric(out, name, "counter", help, value);
  };
  counter("switchboard_bytes_in_total", "Engine.IO payload bytes received.", traffic.bytes_in);
  counter("switchboard_bytes_out_total", "Engine.IO payload bytes sent.", traffic.bytes_out);
  counter("switchboard_dropped_packets_total", "Packets not sent (volatile, or a full queue with the drop policy).",
          traffic.dropped);
  counter("switchboard_queue_overflows_total", "Sends that found a session's outbound queue full.", traffic.overflows);
  const auto emits = realtime::counts();
  counter("switchboard_events_received_total", "Events received from clients.", received_.load(std::memory_order_relaxed));
  counter("switchboard_events_emitted_total", "Emissions through the realtime emitter.", emits.emitted);
  counter("switchboard_emit_failures_total", "Emissions that failed (logged as warnings).", emits.failed);
  render_connections(out, http);
  metric(out, "switchboard_process_resident_bytes", "gauge", "Resident set size (VmRSS).", resident_bytes());
  metric(out, "switchboard_process_heap_bytes", "gauge", "Heap bytes allocated and not yet freed.", heap_in_use_bytes());
  if (releases_) {
    metric(out, "switchboard_memory_releases_total", "counter", "Freed heap given back to the OS after a load.",
           releases_->releases());
  }
  if (watched_) render_limits(out, traffic, *watched_);
  if (cluster_stats_) render_cluster(out, cluster_stats_());
  if (admin_counters_) render_admin(out, admin_counters_());
  return out;
}

std::shared_ptr<http::route> make_metrics_route(std::shared_ptr<const metrics> m, const engine::server& engine,
                                                const http::server& http) {
  return std::make_shared<function_route>([m, &engine, &http](http::exchange_ptr ex) {
    auto res = http::make_response(ex->req(), boost::beast::http::status::ok, m->render(engine, http),
                                   "text/plain; version=0.0.4; charset=utf-8");
    stamp(ex->req(), res);
    ex->respond(std::move(res));
  });
}

}  // namespace switchboard::app
