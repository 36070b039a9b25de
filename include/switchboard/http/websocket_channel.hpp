#pragma once
/// @file
/// A WebSocket connection seen from above the HTTP layer, whatever its stream (TCP or TLS).
#include <boost/asio/ip/tcp.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "switchboard/http/types.hpp"
#include "switchboard/wire/frame.hpp"

namespace switchboard::http {

/// What a route asks of its WebSocket connections.
struct websocket_options {
  /// Bytes of one inbound message; more closes the connection (1009).
  std::size_t max_message_size = 1'000'000;
  /// Offer permessage-deflate compression.
  bool per_message_deflate = false;
  /// The outbound queue of one connection (messages not yet handed to the socket): over either
  /// bound the connection is dropped without a close frame, and its queued writes fail.
  std::size_t max_queued_bytes = 4 * 1024 * 1024;
  /// The outbound queue's bound in writes; see max_queued_bytes.
  std::size_t max_queued_writes = 4096;
};

/// An accepted WebSocket connection: ordered writes of frames, and close.
/// Thread-safe: every call may come from any thread; the work runs on the channel's shard.
class websocket_channel {
 public:
  /// Told whether a write went out (false if the connection broke).
  using written_handler = std::function<void(bool ok)>;

  virtual ~websocket_channel() = default;

  /// Writes every message of every frame, in order, then calls `done` on the channel's shard
  /// (false if the connection broke). Writes issued before the handshake completes wait for it.
  virtual void write(std::vector<wire::frame_ptr> frames, written_handler done) = 0;

  /// Starts a close handshake; the channel reports `closed` once it is down.
  virtual void close() = 0;

  /// The layer above calls this once for each message it has processed: the channel reads at
  /// most a few messages ahead of it, so a fast client cannot fill another shard's queue.
  virtual void consumed() = 0;
};
/// How a channel is shared between the layer above and the connection.
using websocket_channel_ptr = std::shared_ptr<websocket_channel>;

/// A WebSocket upgrade request, to be accepted or refused once. Thread-safe.
class websocket_upgrade {
 public:
  /// Told each inbound message: binary or text, and its bytes.
  using message_handler = std::function<void(bool binary, std::string data)>;
  /// Told once that the connection is down, whatever ended it.
  using closed_handler = std::function<void()>;

  virtual ~websocket_upgrade() = default;
  /// The upgrade request.
  virtual const request& req() const noexcept = 0;
  /// The TCP peer.
  virtual const boost::asio::ip::tcp::endpoint& remote() const noexcept = 0;
  /// The shard the connection lives on.
  virtual std::size_t shard() const noexcept = 0;

  /// Takes the connection over as a WebSocket. Handlers run on the connection's shard:
  /// `on_message` for each message, `on_closed` once, whatever ended the connection.
  virtual websocket_channel_ptr accept(message_handler on_message, closed_handler on_closed) = 0;

  /// Answers the upgrade request with an HTTP error and closes the connection.
  virtual void refuse(response res) = 0;

  /// Hands the connection to another server (the cluster node that owns the session): sends it
  /// `forwarded` (the upgrade request, as the route rewrote it), then passes bytes both ways
  /// untouched until either side closes. When `target` cannot be reached within 2 s, the client is
  /// answered `if_unreachable` and the connection closed.
  virtual void tunnel(boost::asio::ip::tcp::endpoint target, request forwarded, response if_unreachable) = 0;
};
/// How an upgrade is handed to a route.
using websocket_upgrade_ptr = std::shared_ptr<websocket_upgrade>;

/// What the listener routes to: plain requests, and WebSocket upgrades of the same path.
/// Mount one with server::mount(); its methods are called on the connections' shards, so they
/// must be thread-safe. A route that serves plain requests only:
/// @code
/// class ping_route final : public switchboard::http::route {
///  public:
///   void on_request(switchboard::http::exchange_ptr ex) override {
///     ex->respond(switchboard::http::make_response(ex->req(), boost::beast::http::status::ok, "pong"));
///   }
///   void on_websocket(switchboard::http::websocket_upgrade_ptr upgrade) override {
///     upgrade->refuse(switchboard::http::make_response(upgrade->req(), boost::beast::http::status::bad_request, ""));
///   }
///   std::size_t body_limit() const noexcept override { return 0; }
///   switchboard::http::websocket_options websocket() const noexcept override { return {}; }
/// };
/// @endcode
class route {
 public:
  virtual ~route() = default;
  /// A plain request; answer it through `ex`, now or later, from any thread.
  virtual void on_request(exchange_ptr ex) = 0;
  /// A WebSocket upgrade request; accept or refuse it once.
  virtual void on_websocket(websocket_upgrade_ptr upgrade) = 0;
  /// The largest request body this route accepts; more is answered 413 before it is read.
  virtual std::size_t body_limit() const noexcept = 0;
  /// The limits of this route's WebSocket connections.
  virtual websocket_options websocket() const noexcept = 0;
};

}  // namespace switchboard::http
