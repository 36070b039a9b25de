#include "sharded_node.hpp"

#include <boost/asio/post.hpp>

#include "switchboard/cluster/sharded_messages.hpp"
#include "overloaded.hpp"
#include "switchboard/log/log.hpp"

namespace switchboard::cluster {

namespace {

// Node's looksLikeASocketId: socket ids are 20 characters.
bool looks_like_a_socket_id(std::string_view room) { return room.size() == 20; }

}  // namespace

sharded_node::sharded_node(std::shared_ptr<redis_cluster::core> core, std::string nsp,
                           std::unique_ptr<sio::adapter> local)
    : node(core, nsp, std::move(local), random_hex_id()),
      main_(core->options.key + "#" + nsp + "#"),
      responses_(main_ + uid() + "#") {}

void sharded_node::subscribe() {
  const auto self = shared_from_this();
  using kind = redis_cluster::core::route_kind;
  core_->add_route(main_, kind::cluster_message, self);
  core_->add_route(responses_, kind::cluster_message, self);
  core_->shards->ssubscribe({main_, responses_});
}

void sharded_node::unsubscribe() {
  std::vector<std::string> channels{main_, responses_};
  {
    const std::lock_guard lock(rooms_mutex_);
    channels.insert(channels.end(), room_channels_.begin(), room_channels_.end());
    room_channels_.clear();
  }
  for (const auto& channel : channels) core_->remove_route(channel);
  core_->shards->sunsubscribe(std::move(channels));
}

void sharded_node::all_rooms(std::function<void(std::error_code, std::set<std::string>)> done) {
  local_->room_names([done = std::move(done)](std::set<std::string> rooms) { done({}, std::move(rooms)); });
}

// ---- rooms: a channel while this process has sockets in the room ----

bool sharded_node::tracks_rooms() const {
  return core_->options.subscriptions != subscription_mode::namespace_only;
}

bool sharded_node::has_channel(bool own) const {
  switch (core_->options.subscriptions) {
    case subscription_mode::namespace_only: return false;
    case subscription_mode::public_rooms: return !own;
    case subscription_mode::every_room: return true;
  }
  return false;
}

std::string sharded_node::room_channel(std::string_view room) const {
  std::string channel;
  channel.reserve(main_.size() + room.size() + 1);
  return channel.append(main_).append(room).append("#");
}

void sharded_node::room_created(const std::string& room, bool own) {
  if (!has_channel(own)) return;
  std::string channel = room_channel(room);
  if (channel == responses_) return;  // a room named after this node's uid: that channel is taken
  const std::lock_guard lock(rooms_mutex_);  // keeps SSUBSCRIBE and SUNSUBSCRIBE of a room in order
  if (!room_channels_.insert(channel).second) return;
  core_->add_route(channel, redis_cluster::core::route_kind::cluster_message, shared_from_this());
  core_->shards->ssubscribe({std::move(channel)});
}

void sharded_node::room_deleted(const std::string& room, bool own) {
  if (!has_channel(own)) return;
  std::string channel = room_channel(room);
  const std::lock_guard lock(rooms_mutex_);
  if (room_channels_.erase(channel) == 0) return;
  core_->remove_route(channel);
  core_->shards->sunsubscribe({std::move(channel)});
}

// ---- sending ----

std::string sharded_node::channel_for(const sio::broadcast_target& target) const {
  if (target.rooms.size() != 1) return main_;
  const std::string& room = *target.rooms.begin();
  const auto mode = core_->options.subscriptions;
  const bool own_channel = (mode == subscription_mode::public_rooms && !looks_like_a_socket_id(room)) ||
                           mode == subscription_mode::every_room;
  return own_channel ? room_channel(room) : main_;
}

std::error_code sharded_node::publish(std::string channel, const cluster_body& body,
                                      std::function<void(bool sent)> sent) {
  std::string bytes;
  if (const auto ec = encode_cluster_message({uid(), nsp(), body}, bytes)) {
    if (sent) sent(false);
    return ec;
  }
  core_->publish(std::move(channel), std::move(bytes), std::move(sent), true);
  return {};
}

std::error_code sharded_node::publish_broadcast(const broadcast_message& message) {
  return publish(channel_for(message.target), message);
}

void sharded_node::publish_request(const request& message, std::function<void(bool sent)> sent) {
  if (const auto ec = publish(main_, message, std::move(sent))) {
    log::warn("redis adapter: request not encodable", {{"nsp", nsp()}, {"reason", ec.message()}});
  }
}

void sharded_node::publish_response(std::string_view requester, const response& message) {
  // `<key>#<nsp>#<uid>#`: the requester's own channel.
  if (const auto ec = publish(room_channel(requester), message)) {
    log::warn("redis adapter: reply not encodable", {{"nsp", nsp()}, {"reason", ec.message()}});
  }
}

void sharded_node::count_nodes(std::function<void(std::size_t nodes)> done) {
  core_->shards->shard_subscribers(main_, std::move(done));  // on the master of the channel's slot
}

// ---- receiving ----

void sharded_node::on_cluster_message(std::string_view, std::string_view payload) {
  cluster_message message;
  if (const auto ec = decode_cluster_message(payload, message, core_->options.limits)) {
    core_->invalid_messages.fetch_add(1, std::memory_order_relaxed);
    log::debug("redis adapter: invalid message", {{"nsp", nsp()}, {"reason", ec.message()}});
    return;
  }
  if (message.uid == uid() || message.nsp != nsp()) return;  // our own echo, or another namespace's
  std::visit(detail::overloaded{
                 [](presence_message&) {},  // heartbeats of other adapter kinds: nothing to do
                 [&](broadcast_message& m) { handle_broadcast(std::move(m)); },
                 [&](request& m) { handle_request(std::move(m)); },
                 [&](response& m) { handle_response(std::move(m)); },
             },
             message.body);
}

}  // namespace switchboard::cluster
