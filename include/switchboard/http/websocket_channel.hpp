#pragma once
// A WebSocket connection seen from above the HTTP layer, whatever its stream (TCP or TLS).
#include <boost/asio/ip/tcp.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "switchboard/http/types.hpp"
#include "switchboard/wire/frame.hpp"

namespace switchboard::http {

struct websocket_options {
  std::size_t max_message_size = 1'000'000;
  bool per_message_deflate = false;
  // The outbound queue of one connection (messages not yet handed to the socket): over either
  // bound the connection is dropped without a close frame, and its queued writes fail.
  std::size_t max_queued_bytes = 4 * 1024 * 1024;
  std::size_t max_queued_writes = 4096;
};

// Thread-safe: every call may come from any thread; the work runs on the channel's shard.
class websocket_channel {
 public:
  using written_handler = std::function<void(bool ok)>;

  virtual ~websocket_channel() = default;

  // Writes every message of every frame, in order, then calls `done` on the channel's shard
  // (false if the connection broke). Writes issued before the handshake completes wait for it.
  virtual void write(std::vector<wire::frame_ptr> frames, written_handler done) = 0;

  // Starts a close handshake; the channel reports `closed` once it is down.
  virtual void close() = 0;

  // The layer above calls this once for each message it has processed: the channel reads at
  // most a few messages ahead of it, so a fast client cannot fill another shard's queue.
  virtual void consumed() = 0;
};
using websocket_channel_ptr = std::shared_ptr<websocket_channel>;

// A WebSocket upgrade request, to be accepted or refused once. Thread-safe.
class websocket_upgrade {
 public:
  using message_handler = std::function<void(bool binary, std::string data)>;
  using closed_handler = std::function<void()>;

  virtual ~websocket_upgrade() = default;
  virtual const request& req() const noexcept = 0;
  virtual const boost::asio::ip::tcp::endpoint& remote() const noexcept = 0;
  virtual std::size_t shard() const noexcept = 0;

  // Takes the connection over as a WebSocket. Handlers run on the connection's shard:
  // `on_message` for each message, `on_closed` once, whatever ended the connection.
  virtual websocket_channel_ptr accept(message_handler on_message, closed_handler on_closed) = 0;

  // Answers the upgrade request with an HTTP error and closes the connection.
  virtual void refuse(response res) = 0;
};
using websocket_upgrade_ptr = std::shared_ptr<websocket_upgrade>;

// What the listener routes to: plain requests, and WebSocket upgrades of the same path.
class route {
 public:
  virtual ~route() = default;
  virtual void on_request(exchange_ptr ex) = 0;
  virtual void on_websocket(websocket_upgrade_ptr upgrade) = 0;
  // The largest request body this route accepts; more is answered 413 before it is read.
  virtual std::size_t body_limit() const noexcept = 0;
  virtual websocket_options websocket() const noexcept = 0;
};

}  // namespace switchboard::http
