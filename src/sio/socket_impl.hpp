#pragma once
// A socket's state on its shard: handlers, rooms, acks in flight. It exists for the namespace
// from the moment the middleware let it in until close().
#include <boost/asio/steady_timer.hpp>
#include <unordered_map>

#include "namespace_state.hpp"
#include "user_code.hpp"
#include "switchboard/wire/socketio.hpp"

namespace switchboard::sio::detail {

class socket_impl final : public socket {
 public:
  // `lease` keeps a dynamic namespace from being reclaimed while this socket lives.
  socket_impl(namespace_ref nsp, engine::session_ptr session, std::string id, std::string correlation_id,
              boost::json::object auth, std::size_t shard, parser_kind parser);

  const std::string& id() const noexcept override { return id_; }
  const std::string& nsp() const noexcept override { return nsp_->name; }
  const boost::json::object& auth() const noexcept override { return auth_; }
  const engine::session& session() const noexcept override { return *session_; }
  boost::json::object handshake() const override;
  const std::string& correlation_id() const noexcept override { return correlation_id_; }
  boost::asio::any_io_executor executor() const override { return session_->executor(); }
  bool connected() const noexcept override { return connected_; }
  boost::json::object& data() noexcept override { return data_; }
  const boost::json::object& data() const noexcept override { return data_; }

  void on(std::string event, event_handler handler) override { handlers_[std::move(event)] = std::move(handler); }
  void on_any(any_handler handler) override { any_handlers_.push_back(std::move(handler)); }
  void off(const std::string& event) override { handlers_.erase(event); }
  void on_disconnecting(disconnect_handler h) override { disconnecting_.push_back(std::move(h)); }
  void on_disconnect(disconnect_handler h) override { disconnect_.push_back(std::move(h)); }

  engine::send_status emit(std::string_view event, arguments args) override;
  void emit_with_ack(std::string_view event, arguments args, std::chrono::milliseconds timeout,
                     ack_callback callback) override;

  std::error_code join(const std::string& room) override;
  std::error_code leave(const std::string& room) override;
  // Without the reserved-prefix check: for the adapter and the owner of a prefix.
  void enter_room(const std::string& room);
  void leave_room(const std::string& room);
  std::set<std::string> rooms() const override { return rooms_; }
  broadcast_operator to(std::string room) const override;
  broadcast_operator broadcast() const override;
  void disconnect(bool close) override { disconnect_for("server namespace disconnect", close); }
  // Sends DISCONNECT and closes with `reason` (what the disconnect handlers see).
  void disconnect_for(std::string_view reason, bool close_connection);

  // Called by the client on the shard.
  void enter();  // joins the namespace, the room of its own id and those joined in middleware; answers CONNECT
  void on_event(wire::sio::packet p);
  void on_ack(wire::sio::packet p);
  // Leaves the namespace: hooks, rooms, pending acks. `reason` as the reference server names it.
  void close(std::string_view reason);

  std::shared_ptr<socket_impl> self() { return std::static_pointer_cast<socket_impl>(shared_from_this()); }
  std::weak_ptr<socket_impl> weak_self() { return self(); }

  // Waits for the client's ACK of `id` (a broadcast's packet); no timer, the broadcast has one
  // and forget_ack()s the unanswered when it expires. False when the socket cannot take one more.
  bool expect_ack(std::uint64_t id, ack_callback callback);
  void forget_ack(std::uint64_t id) { acks_.erase(id); }
  std::size_t pending_acks() const noexcept { return acks_.size(); }

  // Runs user code under the policy of server.hpp; false when it threw.
  template <class F>
  bool guarded(std::string_view kind, F&& f) {
    return run_user_code(nsp_->config, {kind, correlation_id_, id_, nsp_->name}, std::forward<F>(f));
  }
  // The same, and disconnects this socket when it threw.
  template <class F>
  void guarded_or_close(std::string_view kind, F&& f) {
    if (!guarded(kind, std::forward<F>(f))) disconnect(false);
  }

  // Queues a frame encoded elsewhere (a broadcast), in this connection's parser.
  engine::send_status send_frame(const wire::frame_ptr& frame, bool is_volatile) {
    if (!connected_) return engine::send_status::closed;
    const bool other = parser_ == parser_kind::json && frame->other_encoding();  // a JSON client of a msgpack server
    return session_->send(other ? frame->other_encoding() : frame, is_volatile);
  }

  // Set by the client: forget this socket once it has closed.
  std::function<void(socket_impl&)> on_closed;

 private:
  // The shard's index, and the namespace's room tracking when its adapter wants it.
  void index_join(const std::string& room);
  void index_leave(const std::string& room);

  engine::send_status send_packet(wire::sio::packet p, bool is_volatile = false);

  struct pending_ack {
    ack_callback callback;
    std::unique_ptr<boost::asio::steady_timer> timer;
  };

  // Takes a token of the event bucket; false (and the policy applied) when it is empty.
  bool take_event_token();

  std::shared_ptr<namespace_state> nsp_;
  std::shared_ptr<void> lease_;
  engine::session_ptr session_;
  std::string id_;
  std::string correlation_id_;
  boost::json::object auth_;
  boost::json::object data_;
  std::chrono::system_clock::time_point issued_ = std::chrono::system_clock::now();  // for the handshake
  std::size_t shard_;
  parser_kind parser_;  // this connection's
  bool connected_ = false;
  bool closed_ = false;  // after close(): joins are ignored
  std::unordered_map<std::string, event_handler> handlers_;
  std::vector<any_handler> any_handlers_;
  std::vector<disconnect_handler> disconnecting_;
  std::vector<disconnect_handler> disconnect_;
  std::set<std::string> rooms_;
  std::unordered_map<std::uint64_t, pending_ack> acks_;
  event_limits event_limit_;
  double tokens_;
  std::chrono::steady_clock::time_point refilled_ = std::chrono::steady_clock::now();
};

}  // namespace switchboard::sio::detail
