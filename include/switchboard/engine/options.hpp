#pragma once
// Engine.IO server options; the defaults are the reference server's.
#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace switchboard::engine {

struct cors_options {
  // Allowed origins: exact ("https://app.example.com"), "*" (any), or a subdomain pattern
  // ("https://*.example.com", which does not match the bare domain). Allowed origins get
  // credentialed CORS answers, so the default allows no browser origin at all.
  std::vector<std::string> origins;
  // Requests without an Origin header come from non-browser clients.
  bool allow_missing_origin = true;
};

enum class overflow_policy {
  close,  // a reliable packet over the limit closes the session ("queue overflow")
  drop,   // ... or is dropped, reported as send_status::dropped
};

struct outbound_options {
  std::size_t max_packets = 4096;  // per session, whatever the transport
  overflow_policy on_overflow = overflow_policy::close;
};

struct options {
  std::string path = "/socket.io/";
  std::chrono::milliseconds ping_interval{25'000};
  std::chrono::milliseconds ping_timeout{20'000};
  std::chrono::milliseconds upgrade_timeout{10'000};  // a probe that never completes is dropped
  std::size_t max_payload = 1'000'000;                 // bytes per POST body or WebSocket message
  bool allow_polling = true;
  bool allow_websocket = true;
  bool per_message_deflate = false;
  cors_options cors;
  outbound_options outbound;
};

}  // namespace switchboard::engine
