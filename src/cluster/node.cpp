// The node of one namespace: what sio asks of its adapter (local first, then published), and what
// other nodes and the emitter publish (applied through the local adapter).
#include <boost/asio/post.hpp>
#include <algorithm>
#include <exception>
#include <set>

#include "cluster_core.hpp"
#include "overloaded.hpp"
#include "switchboard/log/log.hpp"

namespace switchboard::cluster {

namespace {

// The uid of a request, empty when it has none (the emitter).
std::string_view uid_of(const request& r) {
  return std::visit(
      [](const auto& m) -> std::string_view {
        if constexpr (std::is_same_v<std::decay_t<decltype(m.uid)>, std::optional<std::string>>) {
          return m.uid ? std::string_view(*m.uid) : std::string_view();
        } else {
          return m.uid;
        }
      },
      r);
}

// Rooms and except only: what a remote request targets.
sio::broadcast_target rooms_only(const sio::broadcast_target& t) { return {t.rooms, t.except, {}}; }

}  // namespace

node::node(std::shared_ptr<redis_cluster::core> core, std::string nsp, std::unique_ptr<sio::adapter> local,
           std::string uid)
    : core_(std::move(core)),
      local_(std::move(local)),
      nsp_(std::move(nsp)),
      uid_(std::move(uid)),
      channels_(core_->options.key, nsp_),
      strand_(boost::asio::make_strand(core_->executor)) {}

void node::subscribe() {
  const auto self = shared_from_this();
  using kind = redis_cluster::core::route_kind;
  core_->add_route(channels_.broadcast_pattern(), kind::broadcast, self);
  core_->add_route(channels_.request(), kind::request, self);
  core_->add_route(channels_.response(), kind::response, self);
  core_->add_route(channels_.response_for(uid_), kind::response, self);
  core_->subscriber.psubscribe({channels_.broadcast_pattern()});
  core_->subscriber.subscribe({channels_.request(), channels_.response(), channels_.response_for(uid_)});
}

// ---- sio::adapter ----

std::error_code node::broadcast(const wire::sio::packet& packet, wire::frame_ptr frame,
                                const sio::broadcast_target& target, sio::delivered_callback delivered) {
  local_->broadcast(packet, std::move(frame), target, std::move(delivered));
  if (target.flags.local) return {};
  // Known down: say so now (publish() would fail too, counted and logged, but only later).
  const bool reachable = core_->reachable();
  if (const auto ec = publish_broadcast({uid_, packet, target})) {
    core_->publish_failures.fetch_add(1, std::memory_order_relaxed);
    log::warn("redis adapter: broadcast not encodable", {{"nsp", nsp_}, {"reason", ec.message()}});
    return ec;
  }
  return reachable ? std::error_code() : make_error_code(sio::errc::cluster_unreachable);
}

void node::add_sockets(const sio::broadcast_target& target, std::string room) {
  local_->add_sockets(target, room);
  if (!target.flags.local) publish_request(remote_join_request{uid_, rooms_only(target), {std::move(room)}});
}

void node::del_sockets(const sio::broadcast_target& target, std::string room) {
  local_->del_sockets(target, room);
  if (!target.flags.local) publish_request(remote_leave_request{uid_, rooms_only(target), {std::move(room)}});
}

void node::disconnect_sockets(const sio::broadcast_target& target, bool close) {
  local_->disconnect_sockets(target, close);
  if (!target.flags.local) publish_request(remote_disconnect_request{uid_, rooms_only(target), close});
}

// ---- the classic protocol ----

std::error_code node::publish_broadcast(const broadcast_message& message) {
  std::string bytes;
  if (const auto ec = encode_broadcast(message, bytes)) return ec;
  core_->publish(channels_.broadcast_for(message.target), std::move(bytes));
  return {};
}

void node::publish_request(const request& message, std::function<void(bool sent)> sent) {
  std::string bytes;
  if (const auto ec = encode_request(message, bytes)) {
    log::warn("redis adapter: request not encodable", {{"nsp", nsp_}, {"reason", ec.message()}});
    if (sent) sent(false);
    return;
  }
  core_->publish(channels_.request(), std::move(bytes), std::move(sent));
}

void node::publish_response(std::string_view requester, const response& message) {
  std::string bytes;
  if (const auto ec = encode_response(message, bytes)) {
    log::warn("redis adapter: reply not encodable", {{"nsp", nsp_}, {"reason", ec.message()}});
    return;
  }
  core_->publish(core_->options.publish_on_specific_response_channel ? channels_.response_for(requester)
                                                                      : channels_.response(),
                 std::move(bytes));
}

void node::count_nodes(std::function<void(std::size_t nodes)> done) {
  core_->publisher.command({"PUBSUB", "NUMSUB", channels_.request()},
                           [done = std::move(done)](std::error_code ec, redis_reply reply) {
                             long long nodes = 0;
                             if (!ec && reply.type == redis_reply::kind::array && reply.elements.size() == 2) {
                               nodes = reply.elements[1].integer;
                             }
                             done(nodes > 0 ? static_cast<std::size_t>(nodes) : 0);
                           });
}

void node::counts(std::function<void(std::size_t, std::size_t)> done) { local_->counts(std::move(done)); }
void node::room_names(std::function<void(std::set<std::string>)> done) { local_->room_names(std::move(done)); }

// ---- received ----

void node::on_broadcast(std::string_view channel, std::string_view payload) {
  if (!channels_.broadcast_room(channel)) return;
  if (broadcast_sent_by(payload, uid_)) return;  // our own, delivered locally already: not decoded
  broadcast_message message;
  if (const auto ec = decode_broadcast(payload, message, core_->options.limits)) {
    core_->invalid_messages.fetch_add(1, std::memory_order_relaxed);
    log::debug("redis adapter: invalid broadcast", {{"nsp", nsp_}, {"reason", ec.message()}});
    return;
  }
  handle_broadcast(std::move(message));
}

void node::handle_broadcast(broadcast_message message) {
  core_->received.fetch_add(1, std::memory_order_relaxed);
  message.packet.nsp = nsp_;
  message.packet.id.reset();
  wire::frame_ptr frame;  // built once for every local recipient, in the server's parser
  if (const auto ec = local_->encode_for_clients(message.packet, frame)) {
    core_->invalid_messages.fetch_add(1, std::memory_order_relaxed);
    log::debug("redis adapter: broadcast not encodable for clients", {{"nsp", nsp_}, {"reason", ec.message()}});
    return;
  }
  message.target.flags.local = true;
  local_->broadcast(message.packet, std::move(frame), message.target, {});
}

void node::on_request(std::string_view payload) {
  request message;
  if (const auto ec = decode_request(payload, message, core_->options.limits)) {
    core_->invalid_messages.fetch_add(1, std::memory_order_relaxed);
    log::debug("redis adapter: invalid request", {{"nsp", nsp_}, {"reason", ec.message()}});
    return;
  }
  if (uid_of(message) == uid_) return;  // our own, applied locally already
  handle_request(std::move(message));
}

void node::handle_request(request message) {
  core_->received.fetch_add(1, std::memory_order_relaxed);
  const std::weak_ptr<node> weak = weak_from_this();
  std::visit(
      detail::overloaded{
          [&](sockets_request& r) {
            local_->fetch_sockets({r.rooms, {}, {}}, [weak, r](std::vector<sio::socket_info> found) {
              const auto self = weak.lock();
              if (!self || self->closed()) return;
              sockets_response answer{r.request_id, {}};
              for (auto& s : found) answer.sockets.push_back(std::move(s.id));
              self->reply(r.uid, std::move(answer));
            });
          },
          [&](all_rooms_request& r) {
            local_->room_names([weak, r](std::set<std::string> rooms) {
              const auto self = weak.lock();
              if (!self || self->closed()) return;
              self->reply(r.uid, all_rooms_response{r.request_id, {rooms.begin(), rooms.end()}});
            });
          },
          [&](remote_join_request& r) {
            for (auto& room : r.rooms) local_->add_sockets(r.target, room);
          },
          [&](remote_leave_request& r) {
            for (auto& room : r.rooms) local_->del_sockets(r.target, room);
          },
          [&](remote_disconnect_request& r) { local_->disconnect_sockets(r.target, r.close); },
          [&](remote_fetch_request& r) {
            local_->fetch_sockets(rooms_only(r.target), [weak, r](std::vector<sio::socket_info> found) {
              const auto self = weak.lock();
              if (!self || self->closed()) return;
              remote_fetch_response answer{r.request_id, {}};
              for (auto& s : found) {
                answer.sockets.push_back(
                    {std::move(s.id), std::move(s.handshake), {s.rooms.begin(), s.rooms.end()}, std::move(s.data)});
              }
              self->reply(r.uid, std::move(answer));
            });
          },
          [&](server_side_emit_request& r) {
            if (!core_->server_side_emit) return;
            server_side_emit_reply answer;
            if (r.request_id) {
              auto once = std::make_shared<std::atomic<bool>>(false);
              answer = [weak, r, once](std::optional<boost::json::value> value) {
                if (once->exchange(true)) return;
                if (const auto self = weak.lock()) self->reply(r.uid, server_side_emit_response{*r.request_id, std::move(value)});
              };
            }
            boost::asio::post(core_->executor, [core = core_, nsp = nsp_, data = std::move(r.data),
                                                answer = std::move(answer)]() mutable {
              try {
                core->server_side_emit(nsp, std::move(data), std::move(answer));
              } catch (const std::exception& e) {
                log::error("redis adapter: server-side emit handler threw", {{"nsp", nsp}, {"what", e.what()}});
              }
            });
          },
          [&](broadcast_request& r) { answer_broadcast_with_ack(std::move(r)); },
      },
      message);
}

// Another node's broadcast with ack, answered as the Node adapter does: how many clients were
// asked once they all were, then each answer as it comes (until the request's timeout).
void node::answer_broadcast_with_ack(broadcast_request r) {
  const std::uint64_t ack_id = next_ack_id_.fetch_add(1, std::memory_order_relaxed);
  r.packet.nsp = nsp_;
  r.packet.id = ack_id;
  wire::frame_ptr frame;
  if (const auto ec = local_->encode_for_clients(r.packet, frame)) {
    core_->invalid_messages.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  const std::weak_ptr<node> weak = weak_from_this();
  sio::broadcast_ack_progress progress;
  progress.counted = [weak, uid = r.uid, id = r.request_id](std::size_t asked) {
    const auto self = weak.lock();
    if (self && !self->closed()) self->reply(uid, broadcast_client_count_response{id, asked});
  };
  progress.answered = [weak, uid = r.uid, id = r.request_id](const sio::arguments& answer) {
    const auto self = weak.lock();
    if (!self || self->closed()) return;
    // The Node adapter carries an answer's first argument only.
    std::optional<boost::json::value> first;
    if (!answer.values.empty()) first = answer.values[0];
    self->reply(uid, broadcast_ack_response{id, std::move(first), answer.binaries});
  };
  local_->broadcast_with_ack(r.packet, std::move(frame), ack_id, r.target,
                             [](std::error_code, std::vector<sio::arguments>) {},  // each answer went out already
                             std::move(progress));
}

}  // namespace switchboard::cluster
