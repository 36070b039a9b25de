#include "switchboard/sio/broadcast.hpp"

#include "namespace_state.hpp"
#include "packets.hpp"
#include "user_code.hpp"

namespace switchboard::sio {

broadcast_operator::broadcast_operator(std::shared_ptr<detail::namespace_state> nsp, broadcast_target target)
    : nsp_(std::move(nsp)), target_(std::move(target)) {}

broadcast_operator broadcast_operator::to(std::string room) const {
  auto copy = *this;
  copy.target_.rooms.insert(std::move(room));
  return copy;
}

broadcast_operator broadcast_operator::except(std::string room) const {
  auto copy = *this;
  copy.target_.except.insert(std::move(room));
  return copy;
}

broadcast_operator broadcast_operator::volatile_() const {
  auto copy = *this;
  copy.target_.flags.is_volatile = true;
  return copy;
}

broadcast_operator broadcast_operator::compress(bool on) const {
  auto copy = *this;
  copy.target_.flags.compress = on;
  return copy;
}

broadcast_operator broadcast_operator::local() const {
  auto copy = *this;
  copy.target_.flags.local = true;
  return copy;
}

broadcast_operator broadcast_operator::timeout(std::chrono::milliseconds d) const {
  auto copy = *this;
  copy.target_.flags.timeout = d;
  return copy;
}

std::error_code broadcast_operator::emit(std::string_view event, arguments args, delivered_callback delivered) const {
  if (wire::sio::is_reserved_event(event)) return errc::reserved_event;
  wire::sio::packet p = detail::make_event_packet(event, std::move(args));
  p.nsp = nsp_->name;
  wire::frame_ptr frame;
  if (const auto ec = detail::encode_packet(nsp_->opts.parser, p, wire::sio::msgpack_parser::shape::broadcast, frame)) return ec;
  nsp_->config.encoded_broadcasts.fetch_add(1, std::memory_order_relaxed);
  return nsp_->adapter->broadcast(p, std::move(frame), target_,
                                  detail::guard_callback(nsp_, "broadcast delivered", std::move(delivered)));
}

void broadcast_operator::emit_with_ack(std::string_view event, arguments args, broadcast_ack_callback done) const {
  if (wire::sio::is_reserved_event(event)) return done(errc::reserved_event, {});
  wire::sio::packet p = detail::make_event_packet(event, std::move(args));
  p.nsp = nsp_->name;
  // One id for every recipient, so that the packet is still encoded once.
  p.id = nsp_->next_ack_id.fetch_add(1, std::memory_order_relaxed);
  wire::frame_ptr frame;
  if (detail::encode_packet(nsp_->opts.parser, p, wire::sio::msgpack_parser::shape::broadcast, frame)) {
    return done(errc::reserved_event, {});
  }
  nsp_->config.encoded_broadcasts.fetch_add(1, std::memory_order_relaxed);
  nsp_->adapter->broadcast_with_ack(p, std::move(frame), *p.id, target_,
                                    detail::guard_callback(nsp_, "broadcast ack", std::move(done)), {});
}

void broadcast_operator::fetch_sockets(std::function<void(std::vector<socket_info>)> done) const {
  nsp_->adapter->fetch_sockets(target_, detail::guard_callback(nsp_, "fetch_sockets", std::move(done)));
}

std::error_code broadcast_operator::sockets_join(std::string room) const {
  if (nsp_->config.reserved(room)) return errc::reserved_room;
  nsp_->adapter->add_sockets(target_, std::move(room));
  return {};
}

std::error_code broadcast_operator::sockets_leave(std::string room) const {
  if (nsp_->config.reserved(room)) return errc::reserved_room;
  nsp_->adapter->del_sockets(target_, std::move(room));
  return {};
}

void broadcast_operator::disconnect_sockets(bool close) const { nsp_->adapter->disconnect_sockets(target_, close); }

}  // namespace switchboard::sio
