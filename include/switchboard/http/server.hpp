#pragma once
// The HTTP/1.1 listener: accepts on one port (plain or TLS), spreads connections over the
// shards, and routes each request by path prefix. WebSocket upgrades go to the same routes.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "switchboard/http/shard_pool.hpp"
#include "switchboard/http/websocket_channel.hpp"

namespace switchboard::http {

struct tls_options {
  std::string certificate_chain_file;  // PEM
  std::string private_key_file;        // PEM
};

struct server_options {
  std::string address = "127.0.0.1";
  std::uint16_t port = 0;  // 0: any free port, see server::port()
  std::size_t threads = 0; // 0: one shard per core
  std::size_t header_limit = 16 * 1024;
  std::size_t body_limit = 1024 * 1024;             // for paths no route claims
  std::chrono::milliseconds idle_timeout{60'000};  // between requests, and to read one
  std::optional<tls_options> tls;                   // HTTPS and WSS on the same port
};

// start() and stop() from one controlling thread; the routes are called on the shards.
class server {
 public:
  explicit server(server_options options);
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  // Requests whose path starts with `prefix` go to `r` (the longest matching prefix wins).
  // Call before start().
  void mount(std::string prefix, std::shared_ptr<route> r);

  // Binds and starts the shards; throws std::system_error if the address cannot be bound or
  // the TLS files cannot be loaded.
  void start();
  void stop();

  std::uint16_t port() const noexcept;
  shard_pool& shards() noexcept;
  const server_options& options() const noexcept;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace switchboard::http
