#include "socket_impl.hpp"

#include <algorithm>

#include "handshake.hpp"
#include "packets.hpp"
#include "switchboard/wire/json_text.hpp"

namespace switchboard::sio::detail {

namespace json = boost::json;
namespace wsio = wire::sio;

namespace {

// What a socket sends, as the reference builds it: emits, answers, CONNECT and DISCONNECT.
wsio::msgpack_parser::shape shape_of(wsio::packet_type type) {
  using shape = wsio::msgpack_parser::shape;
  switch (type) {
    case wsio::packet_type::connect: return shape::connect;
    case wsio::packet_type::disconnect: return shape::disconnect;
    case wsio::packet_type::ack:
    case wsio::packet_type::binary_ack: return shape::ack;
    default: return shape::emit;
  }
}

}  // namespace

socket_impl::socket_impl(namespace_ref nsp, engine::session_ptr session, std::string id, std::string correlation_id,
                         json::object auth, std::size_t shard, parser_kind parser)
    : nsp_(std::move(nsp.state)),
      lease_(std::move(nsp.lease)),
      session_(std::move(session)),
      id_(std::move(id)),
      correlation_id_(std::move(correlation_id)),
      auth_(std::move(auth)),
      shard_(shard),
      parser_(parser),
      event_limit_(nsp_->event_limit.value_or(nsp_->opts.events)),
      tokens_(event_limit_.event_burst) {}

engine::send_status socket_impl::send_packet(wsio::packet p, bool is_volatile) {
  p.nsp = nsp_->name;
  wire::frame_ptr frame;
  if (encode_packet(parser_, p, shape_of(p.type), frame)) return engine::send_status::dropped;
  const auto status = session_->send(std::move(frame), is_volatile);
  if (auto* watcher = nsp_->config.watcher.get(); watcher && p.type == wsio::packet_type::event && status == engine::send_status::queued) {
    watcher->event_sent(*this, p);
  }
  return status;
}

void socket_impl::enter() {
  connected_ = true;
  auto& index = nsp_->index[shard_];
  index.add(self());
  rooms_.insert(id_);
  for (const auto& room : rooms_) index_join(room);
  wsio::packet p;
  p.type = wsio::packet_type::connect;
  if (session_->protocol() != 3) p.data = json::object{{"sid", id_}};  // a v2 client's CONNECT answer is bare
  send_packet(std::move(p));
  if (auto* watcher = nsp_->config.watcher.get()) watcher->socket_connected(*this);
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
  std::unique_ptr<boost::asio::steady_timer> timer;  // none: the answer or the disconnect ends the wait
  if (timeout != no_ack_timeout) {
    timer = std::make_unique<boost::asio::steady_timer>(session_->executor(), timeout);
    timer->async_wait([weak = weak_self(), id](boost::system::error_code ec) {
      auto self = weak.lock();
      if (ec || !self) return;
      const auto it = self->acks_.find(id);
      if (it == self->acks_.end()) return;
      auto cb = std::move(it->second.callback);
      self->acks_.erase(it);
      self->guarded_or_close("ack", [&] { cb(errc::ack_timeout, {}); });
    });
  }
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
  if (!take_event_token()) return;
  if (auto* watcher = nsp_->config.watcher.get()) watcher->event_received(*this, event, args);
  ack_sender ack;
  if (p.id) {
    ack = ack_sender(session_->executor(), shard_, [weak = weak_self(), id = *p.id](arguments answer) {
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
  // Keep the socket alive through handlers that may disconnect it, and each handler alive
  // through its own call: close() clears the lists a handler may be running from.
  auto keep_alive = shared_from_this();
  for (std::size_t i = 0; i < any_handlers_.size() && connected_; ++i) {
    const any_handler any = any_handlers_[i];
    guarded_or_close("any", [&] { any(*this, event, args); });
  }
  if (const auto it = handlers_.find(event); it != handlers_.end()) {
    if (!connected_) return;
    const event_handler handler = it->second;  // a copy: the handler may call off() or disconnect
    guarded_or_close("event", [&] { handler(*this, args, std::move(ack)); });
    return;
  }
  // The namespace's table does not change once clients connect, and the socket holds the namespace.
  if (const auto it = nsp_->handlers.find(event); it != nsp_->handlers.end() && connected_) {
    guarded_or_close("event", [&] { it->second(*this, args, std::move(ack)); });
  }
}

bool socket_impl::take_event_token() {
  if (event_limit_.events_per_second == 0) return true;
  const auto now = std::chrono::steady_clock::now();
  const double elapsed = std::chrono::duration<double>(now - refilled_).count();
  refilled_ = now;
  tokens_ = std::min<double>(event_limit_.event_burst, tokens_ + elapsed * event_limit_.events_per_second);
  if (tokens_ >= 1) {
    tokens_ -= 1;
    return true;
  }
  if (event_limit_.on_excess == event_overflow::disconnect) {
    nsp_->config.event_limit_disconnects.fetch_add(1, std::memory_order_relaxed);
    disconnect_for("event rate exceeded", false);
  } else {
    nsp_->config.dropped_events.fetch_add(1, std::memory_order_relaxed);
  }
  return false;
}

void socket_impl::on_ack(wsio::packet p) {
  if (!p.id) return;
  const auto it = acks_.find(*p.id);
  if (it == acks_.end()) return;  // late, after the timeout: ignored as the reference does
  auto callback = std::move(it->second.callback);
  if (it->second.timer) it->second.timer->cancel();
  acks_.erase(it);
  arguments answer{std::move(p.data->as_array()), std::move(p.attachments)};
  guarded_or_close("ack", [&] { callback({}, std::move(answer)); });
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
  index_join(room);
}

void socket_impl::leave_room(const std::string& room) {
  if (rooms_.erase(room) == 0 || !connected_) return;
  index_leave(room);
}

void socket_impl::index_join(const std::string& room) {
  if (nsp_->index[shard_].join(*this, room) && nsp_->track_rooms) nsp_->room_added(room, room == id_);
  if (auto* watcher = nsp_->config.watcher.get()) watcher->room_joined(*this, room);
}

void socket_impl::index_leave(const std::string& room) {
  if (nsp_->index[shard_].leave(*this, room) && nsp_->track_rooms) nsp_->room_removed(room, room == id_);
  if (auto* watcher = nsp_->config.watcher.get()) watcher->room_left(*this, room);
}

broadcast_operator socket_impl::to(std::string room) const {
  return broadcast_operator(nsp_, broadcast_target{.rooms = {std::move(room)}, .except = {id_}, .flags = {}});
}

boost::json::object socket_impl::handshake() const { return detail::describe_handshake(*session_, auth_, issued_); }

broadcast_operator socket_impl::broadcast() const {
  return broadcast_operator(nsp_, broadcast_target{.rooms = {}, .except = {id_}, .flags = {}});
}

void socket_impl::disconnect_for(std::string_view reason, bool close_connection) {
  if (!connected_ || closed_) return;
  wsio::packet p;
  p.type = wsio::packet_type::disconnect;
  send_packet(std::move(p));
  close(reason);
  if (close_connection) session_->close("forced close");
}

// Each list is taken before it runs: a handler may add to it, or close again (a no-op). A
// handler that throws here is logged and the next one runs: the socket is closing already.
void socket_impl::close(std::string_view reason) {
  if (!connected_ || closed_) return;
  closed_ = true;
  auto keep_alive = shared_from_this();
  const std::string why(reason);  // `reason` may live in something a handler frees
  const auto disconnecting = std::move(disconnecting_);
  disconnecting_.clear();
  for (const auto& h : disconnecting) guarded("disconnecting", [&] { h(*this, why); });
  connected_ = false;
  if (auto* watcher = nsp_->config.watcher.get()) watcher->socket_disconnected(*this, why);
  for (const auto& room : rooms_) index_leave(room);
  rooms_.clear();
  nsp_->index[shard_].remove(*this);
  auto pending = std::move(acks_);
  acks_.clear();
  for (auto& entry : pending) {
    pending_ack& ack = entry.second;  // not a structured binding: clang 14 cannot capture one
    if (ack.timer) ack.timer->cancel();
    guarded("ack", [&] { ack.callback(errc::disconnected, {}); });
  }
  const auto disconnect = std::move(disconnect_);
  disconnect_.clear();
  for (const auto& h : disconnect) guarded("disconnect", [&] { h(*this, why); });
  handlers_.clear();
  any_handlers_.clear();
  disconnecting_.clear();
  disconnect_.clear();
  if (auto closed = std::move(on_closed)) closed(*this);
}

}  // namespace switchboard::sio::detail
