#pragma once
// The server's configuration: embedded defaults, then a TOML file, then SWITCHBOARD_<SECTION>_<KEY>
// environment variables, then --set section.key=value flags. Invalid values fail at start-up
// with the key, the value and what was expected (config_error).
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace switchboard::app {

struct config_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The development JWT secret of config/dev.toml: refused on a non-loopback address.
inline constexpr std::string_view development_secret = "development-only-secret-do-not-deploy-0123456789abcdef0123456789";
// The placeholder of the packaged /etc/switchboard/switchboard.toml: refused everywhere, so that a
// fresh install does not start until its operator sets a secret.
inline constexpr std::string_view placeholder_secret = "set-a-secret-of-your-own";

struct config {
  struct {
    std::string parser = "json";  // or "msgpack": socket.io-msgpack-parser, for every client
    std::string address = "127.0.0.1";
    // More addresses listened on beside `address`, on the same port: {"::1"} for IPv6 loopback.
    std::vector<std::string> more_addresses;
    std::uint16_t port = 3000;
    std::size_t threads = 0;
    std::string data_dir = "var";
    // Whether X-Forwarded-For names the client (its last entry): only behind a proxy that appends it.
    bool trust_proxy = false;
    // How often what the allocator keeps (RSS minus the live heap) is sampled (memory_release.hpp).
    std::chrono::milliseconds memory_release_interval{10'000};
  } server;
  struct {
    std::string cert;
    std::string key;
  } tls;
  struct {
    std::vector<std::string> origins;
  } cors;
  struct {
    std::string format = "text";
    std::string level = "info";
    // Repeated warnings from one socket or address: the first is written, then one per window.
    std::chrono::milliseconds sample_window{10'000};
  } log;
  struct {
    std::string jwt_secret;
    std::string jwt_public_key;  // PEM file
    std::string jwt_public_key_algorithm = "RS256";
    std::string jwks;  // file
    std::string issuer;
    std::string audience;
    std::chrono::seconds leeway{30};
    std::chrono::seconds demo_token_ttl{std::chrono::hours(12)};
    std::string user_claim = "sub";
    std::string session_cookie;
    bool allow_query_token = false;
    bool disconnect_on_expiry = true;
    std::chrono::milliseconds revocation_poll{1'000};  // a revoked session's sockets end within about this
    std::string sessions = "sqlite";  // or "redis"
    std::string redis;                 // URL, for sessions = "redis"
  } auth;
  struct {
    std::map<std::string, std::string> keys;  // name -> key, for POST /api/v1/emit
    std::size_t max_body = std::size_t{1} << 20;  // bytes of a POST /api/v1/emit body
    std::size_t max_batch = 1000;                 // emits in one array
  } api;
  // What one client may hold or send (docs/SECURITY.md). The defaults are the layers' own.
  struct {
    // TCP connections: in all (0: the process's descriptor limit minus a reserve), per client
    // address, and still sending their first request header; the header's deadline.
    std::size_t connections = 0;
    std::size_t connections_per_address = 256;
    std::size_t header_connections = 1024;
    std::chrono::milliseconds header_timeout{10'000};
    // Each session's outbound queue: over either, the overflow policy ("close" or "drop").
    std::size_t outbound_packets = 4096;
    std::size_t outbound_bytes = std::size_t{4} << 20;
    std::string overflow = "close";
    // Engine.IO sessions and handshakes per client address (loopback peers are exempt from every
    // per-address limit unless exempt_loopback = false).
    std::size_t sessions_per_address = 1000;
    std::size_t handshakes_per_second = 20;
    std::size_t handshake_burst = 100;
    bool exempt_loopback = true;
    // Networks (CIDR or addresses) exempt like loopback: the cluster's nodes, whose relayed polling
    // requests all come from their own address.
    std::vector<std::string> exempt_addresses;
    // Engine.IO sessions whose client has not authenticated yet.
    std::size_t unauthenticated_sessions = 10'000;
    std::size_t unauthenticated_bytes = std::size_t{64} << 20;
    std::chrono::milliseconds pre_auth_timeout{10'000};
    // Inbound events per socket: a token bucket; over it "drop" (counted) or "disconnect".
    std::size_t events_per_second = 100;
    std::size_t event_burst = 200;
    std::string event_flood = "drop";
    std::size_t pending_acks = 1024;  // per socket
    std::size_t parked_attachment_bytes = 1'000'000;
  } limits;
  // The Engine.IO settings the Node server calls pingInterval, pingTimeout and maxHttpBufferSize.
  struct {
    std::chrono::milliseconds ping_interval{25'000};
    std::chrono::milliseconds ping_timeout{20'000};
    std::size_t max_payload = 1'000'000;  // bytes per POST body or WebSocket message
    bool allow_eio3 = false;              // Socket.IO v2 clients (Engine.IO protocol 3)
  } engine;
  struct {
    std::size_t max_text = 2000;
  } chat;
  struct {
    std::string redis;  // URL; empty: a single node, no cluster
    std::string key = "socket.io";  // the channels' prefix, as the Node adapter's `key`
    std::chrono::milliseconds request_timeout{5'000};  // fetch_sockets, server-side emit acks, all_rooms
    bool specific_response_channel = false;  // the Node adapter's publishOnSpecificResponseChannel
    std::string adapter = "classic";  // "classic" (createAdapter) or "sharded" (createShardedAdapter, Redis >= 7)
    std::string subscription_mode = "dynamic";  // sharded: "static", "dynamic" or "dynamic-private"
    std::string advertise;  // "host:port" other nodes relay polling requests to; empty: server.address and port
    std::size_t relay_connections = 512;  // per owner node and shard
  } cluster;
  // The Socket.IO Admin UI: its namespace, login, and the bundle at /admin/.
  struct {
    bool enabled = false;
    std::string username;       // with password_hash; both empty: no login (loopback only)
    std::string password_hash;  // bcrypt
    bool read_only = false;
    std::string mode = "development";  // or "production": statistics only
    std::string server_id;             // this node in the UI; empty: host name#pid
    std::string namespace_name = "/admin";
    bool ui = true;  // serve the bundle at /admin/
    std::size_t max_reports_per_second = 500;
  } admin;
};

// Every setting's name ("server.port"), for --help and errors.
std::vector<std::string> setting_names();

// Loads `path` (empty: defaults only), then `env` (the SWITCHBOARD_* variables that name a
// setting; others are ignored), then `overrides`
// ("section.key=value"). Throws config_error.
config load_config(const std::string& path, const std::map<std::string, std::string>& env,
                   const std::vector<std::string>& overrides);

// The SWITCHBOARD_* variables of this process.
std::map<std::string, std::string> switchboard_environment();

}  // namespace switchboard::app
