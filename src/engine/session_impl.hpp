#pragma once
// The state machine of one Engine.IO session, on its owner shard: the bounded outbound queue,
// the current transport (a pending polling GET, or a WebSocket channel), the upgrade probe and
// the heartbeat. Transports on other shards reach it only through posts to its executor.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "query.hpp"
#include "server_state.hpp"
#include "switchboard/engine/server.hpp"
#include "switchboard/wire/engineio.hpp"

namespace switchboard::engine {

class session_impl final : public session, public std::enable_shared_from_this<session_impl> {
 public:
  // `unauthenticated_cost`: the share of the unauthenticated budget the server took for it.
  session_impl(std::shared_ptr<detail::server_state> state, std::weak_ptr<server> owner, std::string id,
               std::size_t shard, boost::asio::io_context& context, handshake_request handshake,
               boost::asio::ip::tcp::endpoint remote, boost::asio::ip::address client,
               std::size_t unauthenticated_cost, transport_kind transport, detail::client_protocol protocol);

  send_status send(wire::frame_ptr frame, bool is_volatile) override;
  void close(std::string_view reason) override;
  // close(), but a polling client gets at most `grace` (not the ping timeout) to collect the
  // close packet with its next GET: the server is going away.
  void close_within(std::string_view reason, std::chrono::milliseconds grace);
  const std::string& id() const noexcept override { return id_; }
  std::size_t shard() const noexcept override { return shard_; }
  boost::asio::any_io_executor executor() const override { return context_.get_executor(); }
  transport_kind transport() const noexcept override { return transport_; }
  bool is_open() const noexcept override { return open_; }
  const handshake_request& handshake() const noexcept override { return handshake_; }
  const boost::asio::ip::tcp::endpoint& remote() const noexcept override { return remote_; }
  boost::asio::ip::address client_address() const override { return client_; }
  void mark_authenticated() override;
  bool is_authenticated() const noexcept override { return authenticated_; }
  int protocol() const noexcept override { return protocol_.version; }

  // The open packet's text: {"sid":...,"upgrades":...,"pingInterval":...}.
  std::string open_packet() const;
  // Starts the heartbeat of a session opened by a polling handshake.
  void start_polling();
  // Takes over the connection of a WebSocket handshake: the open packet goes first.
  void start_websocket(const http::websocket_upgrade_ptr& upgrade);

  void on_poll(http::exchange_ptr ex);
  void on_post(http::exchange_ptr ex);
  void on_upgrade(http::websocket_upgrade_ptr upgrade);
  // The shard's deadline queue calls this at the session's deadline.
  void on_deadline();

 private:
  enum class farewell { close_packet, noop };  // what a pending GET gets when the session ends
  // What the session's one deadline is for.
  enum class deadline_for : std::uint8_t { heartbeat, v3_heartbeat, client_close, server_close };

  // Replaces the session's deadline (in the shard's queue, not a timer of its own: ~360 B less
  // per idle session).
  void set_deadline(std::chrono::milliseconds after, deadline_for what);
  void clear_deadline();

  http::websocket_channel_ptr accept_channel(const http::websocket_upgrade_ptr& upgrade);
  void on_channel_message(const http::websocket_channel* from, bool binary, std::string data);
  void on_channel_closed(const http::websocket_channel* from);
  void on_probe_message(wire::eio::packet p);
  void fail_upgrade();

  void on_packet(wire::eio::packet p);
  void flush();
  void clear_queue();
  void answer_poll(std::string_view last_packet = {});
  void start_auth_timer();
  void schedule_ping();
  void on_ping_timer();
  // Protocol 3: the client pings; the session ends pingInterval + pingTimeout after the last one.
  void arm_v3_heartbeat();
  void on_ping_from_client();
  // What a protocol 3 WebSocket carries for `batch`: binary messages with their type byte, or as
  // "b4" + base64 text for a b64 client.
  std::vector<wire::frame_ptr> for_v3_websocket(std::vector<wire::frame_ptr> batch) const;
  void end_when_polled();
  void end(std::string_view reason, farewell how);

  std::shared_ptr<detail::server_state> state_;
  std::weak_ptr<server> owner_;  // only to leave its registry: the server owns its sessions
  std::string id_;
  std::size_t shard_;
  boost::asio::io_context& context_;
  handshake_request handshake_;
  boost::asio::ip::tcp::endpoint remote_;
  boost::asio::ip::address client_;
  transport_kind transport_;
  const detail::client_protocol protocol_;
  bool open_ = true;
  bool authenticated_ = false;
  std::size_t unauthenticated_cost_;

  // Only ever appended to and handed over whole: a vector, which holds no memory while empty
  // (a std::deque keeps a 512-byte block for every idle session).
  std::vector<wire::frame_ptr> queue_;
  std::size_t queued_bytes_ = 0;  // WebSocket bytes of the frames in queue_
  http::exchange_ptr poll_;                  // the GET waiting for packets
  http::websocket_channel_ptr channel_;      // the current WebSocket transport
  bool channel_writing_ = false;
  http::websocket_channel_ptr probe_;        // a WebSocket being upgraded to
  std::optional<detail::session_deadlines::key> deadline_;
  deadline_for deadline_for_ = deadline_for::heartbeat;
  // Only while armed: an authenticated session that is not upgrading holds neither (each ~100 B).
  std::unique_ptr<boost::asio::steady_timer> upgrade_timer_;
  std::unique_ptr<boost::asio::steady_timer> auth_timer_;  // the pre-authentication timeout
  bool awaiting_pong_ = false;
  bool closing_ = false;  // closed while no GET was pending: waiting for the client's last GET
  std::string pending_close_reason_;  // empty when the client closed
  bool probe_pinged_ = false;
};

}  // namespace switchboard::engine
