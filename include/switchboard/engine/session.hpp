#pragma once
/// @file
/// One Engine.IO session: the bytes of one client, over whichever transport is current.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <memory>
#include <string>
#include <string_view>

#include "switchboard/engine/handshake_request.hpp"
#include "switchboard/engine/send_status.hpp"
#include "switchboard/http/types.hpp"
#include "switchboard/wire/frame.hpp"

namespace switchboard::engine {

/// The transport a session currently uses: HTTP long-polling or WebSocket.
enum class transport_kind { polling, websocket };

/// One client's Engine.IO session, whatever its transport: what the layer above sends through
/// and reads from.
/// Lives on its owner shard: call every member there (post through executor() from elsewhere),
/// except the const accessors of what never changes (id, shard, handshake, remote, client_address).
class session {
 public:
  virtual ~session() = default;

  /// Queues an encoded frame (such as one from wire::sio::encode_frame()). A volatile frame is
  /// dropped rather than queued when the transport cannot take it now or the queue is full. A
  /// frame over the queue's limits meets options::outbound (outbound_options).
  virtual send_status send(wire::frame_ptr frame, bool is_volatile = false) = 0;
  /// Queues a text message packet ("4" + data).
  send_status send_text(std::string_view data);

  /// Flushes what is queued, then closes; the handler's on_close follows with `reason`.
  virtual void close(std::string_view reason = "forced close") = 0;

  /// The session id (sid).
  virtual const std::string& id() const noexcept = 0;
  /// The shard that owns the session.
  virtual std::size_t shard() const noexcept = 0;
  /// The owner shard's executor: post work for this session there.
  virtual boost::asio::any_io_executor executor() const = 0;
  /// The current transport; polling until an upgrade completes, if the session began on polling.
  virtual transport_kind transport() const noexcept = 0;
  /// Whether the session is open (not yet ended).
  virtual bool is_open() const noexcept = 0;
  /// The request that opened the session: its header fields, and its query in target().
  virtual const handshake_request& handshake() const noexcept = 0;
  /// The TCP peer of the handshake request.
  virtual const boost::asio::ip::tcp::endpoint& remote() const noexcept = 0;
  /// The client's address: remote()'s, or with options.clients.trust_proxy the last entry of the
  /// handshake's X-Forwarded-For. Never changes.
  virtual boost::asio::ip::address client_address() const { return remote().address(); }

  /// The layer above calls this once the client has proved who it is (Socket.IO: the first
  /// namespace admitted a socket). Until then the session counts against the server's
  /// unauthenticated budget and is closed after options.unauthenticated.pre_auth_timeout
  /// ("unauthenticated timeout"). Idempotent. Owner shard only.
  virtual void mark_authenticated() {}
  /// Whether mark_authenticated() was called.
  virtual bool is_authenticated() const noexcept { return true; }
  /// The Engine.IO protocol the client speaks: 4, or 3 (a Socket.IO v2 client, with
  /// options::allow_eio3).
  virtual int protocol() const noexcept { return 4; }
  /// A query parameter of the handshake request (percent-decoded), or empty.
  std::string query(std::string_view key) const;
};
/// How sessions are shared: the server, its transports and the layer above each hold one.
using session_ptr = std::shared_ptr<session>;

/// What the layer above implements (sio::server does). Every call comes on the session's owner
/// shard.
/// @code
/// class echo_handler final : public engine::handler {
///  public:
///   // An echo server has no authentication: its sessions are not held to the pre-auth timeout.
///   void on_open(const engine::session_ptr& s) override { s->mark_authenticated(); }
///   void on_message(const engine::session_ptr& s, bool binary, std::string data) override {
///     if (binary) {
///       s->send(switchboard::wire::make_binary_frame(std::move(data)));
///     } else {
///       s->send_text(data);
///     }
///   }
///   void on_close(const engine::session_ptr&, std::string_view) override {}
/// };
/// @endcode
class handler {
 public:
  virtual ~handler() = default;
  /// A new session, right after its handshake.
  virtual void on_open(const session_ptr& s) = 0;
  /// A message packet from the client: text, or binary bytes.
  virtual void on_message(const session_ptr& s, bool binary, std::string data) = 0;
  /// The session ended, with the reason ("transport close", "ping timeout", ...). Once.
  virtual void on_close(const session_ptr& s, std::string_view reason) = 0;
  /// The session moved from polling to WebSocket. Nothing by default.
  virtual void on_upgrade(const session_ptr& s) { (void)s; }
};

}  // namespace switchboard::engine
