#include "socket_impl.hpp"

#include "packets.hpp"
#include "switchboard/wire/json_text.hpp"

namespace switchboard::sio::detail {

namespace json = boost::json;
namespace wsio = wire::sio;

socket_impl::socket_impl(std::shared_ptr<namespace_state> nsp, engine::session_ptr session, std::string id,
                         std::string correlation_id, json::object auth, std::size_t shard)
    : nsp_(std::move(nsp)),
      session_(std::move(session)),
      id_(std::move(id)),
      correlation_id_(std::move(correlation_id)),
      auth_(std::move(auth)),
      shard_(shard) {}

engine::send_status socket_impl::send_packet(wsio::packet p, bool is_volatile) {
  p.nsp = nsp_->name;
  wire::frame_ptr frame;
  if (wsio::encode_frame(p, frame)) return engine::send_status::dropped;
  return session_->send(std::move(frame), is_volatile);
}

void socket_impl::enter() {
  connected_ = true;
  auto& index = nsp_->index[shard_];
  index.add(self());
  rooms_.insert(id_);
  for (const auto& room : rooms_) index.join(*this, room);
  wsio::packet p;
  p.type = wsio::packet_type::connect;
  p.data = json::object{{"sid", id_}};
  send_packet(std::move(p));
}

engine::send_status socket_impl::emit(std::string_view event, arguments args) {
  if (!connected_) return engine::send_status::closed;
  if (wsio::is_reserved_event(event)) return engine::send_status::dropped;
  return send_packet(make_event_packet(event, std::move(args)));
}

void socket_impl::emit_with_ack(std::string_view event, arguments args, std::chrono::milliseconds timeout,
                                ack_callback callback) {
  if (!connected_) return callback(errc::not_connected, {});
  if (wsio::is_reserved_event(event)) return callback(errc::reserved_event, {});
  if (acks_.size() >= nsp_->opts.max_pending_acks) return callback(errc::too_many_pending_acks, {});
  const std::uint64_t id = nsp_->next_ack_id.fetch_add(1, std::memory_order_relaxed);
  auto timer = std::make_unique<boost::asio::steady_timer>(session_->executor(), timeout);
  timer->async_wait([weak = weak_self(), id](boost::system::error_code ec) {
    auto self = weak.lock();
    if (ec || !self) return;
    const auto it = self->acks_.find(id);
    if (it == self->acks_.end()) return;
    auto cb = std::move(it->second.callback);
    self->acks_.erase(it);
    cb(errc::ack_timeout, {});
  });
  acks_.emplace(id, pending_ack{std::move(callback), std::move(timer)});
  wsio::packet p = make_event_packet(event, std::move(args));
  p.id = id;
  send_packet(std::move(p));
}

bool socket_impl::expect_ack(std::uint64_t id, ack_callback callback) {
  if (!connected_ || acks_.size() >= nsp_->opts.max_pending_acks) return false;
  acks_.emplace(id, pending_ack{std::move(callback), nullptr});
  return true;
}

void socket_impl::on_event(wsio::packet p) {
  json::array& data = p.data->as_array();
  std::string event;  // a numeric event name is allowed by the protocol; handlers see its text
  if (data.front().is_string()) {
    event = data.front().get_string();
  } else {
    wire::append_json(data.front(), event);
  }
  arguments args{json::array(std::make_move_iterator(data.begin() + 1), std::make_move_iterator(data.end())),
                 std::move(p.attachments)};
  ack_sender ack;
  if (p.id) {
    ack = ack_sender([weak = weak_self(), id = *p.id](arguments answer) {
      auto self = weak.lock();
      if (!self || !self->connected_) return;
      wsio::packet reply;
      reply.type = wsio::packet_type::ack;
      reply.id = id;
      reply.data = std::move(answer.values);
      reply.attachments = std::move(answer.binaries);
      self->send_packet(std::move(reply));
    });
  }
  // Keep the socket alive through handlers that may disconnect it.
  auto keep_alive = shared_from_this();
  for (const auto& any : any_handlers_) any(*this, event, args);
  if (const auto it = handlers_.find(event); it != handlers_.end() && connected_) {
    const event_handler handler = it->second;  // a copy: the handler may call off()
    handler(*this, args, std::move(ack));
  }
}

void socket_impl::on_ack(wsio::packet p) {
  if (!p.id) return;
  const auto it = acks_.find(*p.id);
  if (it == acks_.end()) return;  // late, after the timeout: ignored as the reference does
  auto callback = std::move(it->second.callback);
  if (it->second.timer) it->second.timer->cancel();
  acks_.erase(it);
  callback({}, arguments{std::move(p.data->as_array()), std::move(p.attachments)});
}

std::error_code socket_impl::join(const std::string& room) {
  if (nsp_->config.reserved(room)) return errc::reserved_room;
  enter_room(room);
  return {};
}

std::error_code socket_impl::leave(const std::string& room) {
  if (nsp_->config.reserved(room)) return errc::reserved_room;
  leave_room(room);
  return {};
}

// Before admission the room is only remembered; enter() indexes it.
void socket_impl::enter_room(const std::string& room) {
  if (closed_ || !rooms_.insert(room).second || !connected_) return;
  nsp_->index[shard_].join(*this, room);
}

void socket_impl::leave_room(const std::string& room) {
  if (rooms_.erase(room) == 0 || !connected_) return;
  nsp_->index[shard_].leave(*this, room);
}

broadcast_operator socket_impl::to(std::string room) const {
  return broadcast_operator(nsp_, broadcast_target{.rooms = {std::move(room)}, .except = {id_}, .flags = {}});
}

void socket_impl::disconnect(bool close_connection) {
  if (!connected_) return;
  wsio::packet p;
  p.type = wsio::packet_type::disconnect;
  send_packet(std::move(p));
  close("server namespace disconnect");
  if (close_connection) session_->close("forced close");
}

void socket_impl::close(std::string_view reason) {
  if (!connected_) return;
  closed_ = true;
  auto keep_alive = shared_from_this();
  for (const auto& h : disconnecting_) h(*this, reason);
  connected_ = false;
  for (const auto& room : rooms_) nsp_->index[shard_].leave(*this, room);
  rooms_.clear();
  nsp_->index[shard_].remove(*this);
  auto pending = std::move(acks_);
  acks_.clear();
  for (auto& [id, ack] : pending) {
    if (ack.timer) ack.timer->cancel();
    ack.callback(errc::disconnected, {});
  }
  for (const auto& h : disconnect_) h(*this, reason);
  handlers_.clear();
  any_handlers_.clear();
  disconnecting_.clear();
  disconnect_.clear();
  if (auto closed = std::move(on_closed)) closed(*this);
}

}  // namespace switchboard::sio::detail
