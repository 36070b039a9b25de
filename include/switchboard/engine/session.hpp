#pragma once
// One Engine.IO session: the bytes of one client, over whichever transport is current.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <memory>
#include <string>
#include <string_view>

#include "switchboard/http/types.hpp"
#include "switchboard/wire/frame.hpp"

namespace switchboard::engine {

enum class send_status { queued, dropped, closed };
enum class transport_kind { polling, websocket };

// Lives on its owner shard: call every member there (post through executor() from elsewhere),
// except the const accessors of what never changes (id, shard, handshake, remote, client_address).
class session {
 public:
  virtual ~session() = default;

  // Queues an encoded frame (e.g. from wire::sio::encode_frame). A volatile frame is dropped
  // rather than queued when the transport cannot take it now or the queue is full.
  virtual send_status send(wire::frame_ptr frame, bool is_volatile = false) = 0;
  // A text message packet ("4" + data).
  send_status send_text(std::string_view data);

  // Flushes what is queued, then closes; the handler's on_close follows with `reason`.
  virtual void close(std::string_view reason = "forced close") = 0;

  virtual const std::string& id() const noexcept = 0;
  virtual std::size_t shard() const noexcept = 0;
  virtual boost::asio::any_io_executor executor() const = 0;
  virtual transport_kind transport() const noexcept = 0;
  virtual bool is_open() const noexcept = 0;
  // The request that opened the session: its headers, and its query in target().
  virtual const http::request& handshake() const noexcept = 0;
  virtual const boost::asio::ip::tcp::endpoint& remote() const noexcept = 0;
  // The client's address: remote()'s, or with options.clients.trust_proxy the last entry of the
  // handshake's X-Forwarded-For. Never changes.
  virtual boost::asio::ip::address client_address() const { return remote().address(); }

  // The layer above calls this once the client has proved who it is (Socket.IO: the first
  // namespace admitted a socket). Until then the session counts against the server's
  // unauthenticated budget and is closed after options.unauthenticated.pre_auth_timeout
  // ("unauthenticated timeout"). Idempotent. Owner shard only.
  virtual void mark_authenticated() {}
  virtual bool is_authenticated() const noexcept { return true; }
  // A query parameter of the handshake request (percent-decoded), or empty.
  std::string query(std::string_view key) const;
};
using session_ptr = std::shared_ptr<session>;

// What the layer above implements. Every call comes on the session's owner shard.
class handler {
 public:
  virtual ~handler() = default;
  virtual void on_open(const session_ptr& s) = 0;
  virtual void on_message(const session_ptr& s, bool binary, std::string data) = 0;
  virtual void on_close(const session_ptr& s, std::string_view reason) = 0;
};

}  // namespace switchboard::engine
