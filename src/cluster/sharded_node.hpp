#pragma once
// The node of one namespace over the sharded protocol (Node's createShardedAdapter): ClusterAdapter
// messages with SPUBLISH / SSUBSCRIBE on `<key>#<nsp>#` and the node's `<key>#<nsp>#<uid>#`, and in
// the dynamic modes one channel per room this process has sockets in, so that an event for one
// room travels only to the nodes where the room is.
#include <mutex>
#include <set>

#include "cluster_core.hpp"
#include "switchboard/cluster/sharded_messages.hpp"

namespace switchboard::cluster {

class sharded_node final : public node {
 public:
  sharded_node(std::shared_ptr<redis_cluster::core> core, std::string nsp, std::unique_ptr<sio::adapter> local);

  void subscribe() override;
  void unsubscribe() override;
  // The sharded protocol has no ALL_ROOMS request: this node's rooms.
  void all_rooms(std::function<void(std::error_code, std::set<std::string>)> done) override;

  bool tracks_rooms() const override;
  void room_created(const std::string& room, bool own) override;
  void room_deleted(const std::string& room, bool own) override;
  void on_cluster_message(std::string_view channel, std::string_view payload) override;

 protected:
  std::error_code publish_broadcast(const broadcast_message& message) override;
  void publish_request(const request& message, std::function<void(bool sent)> sent) override;
  void publish_response(std::string_view requester_uid, const response& message) override;
  void count_nodes(std::function<void(std::size_t nodes)> done) override;
  std::string new_request_id() const override { return random_hex_id(); }

 private:
  // Whether a room (a socket's own room when `own`) gets a channel in this subscription mode.
  bool has_channel(bool own) const;
  std::string room_channel(std::string_view room) const;
  // What a broadcast is published on: its room's channel when it names one room that has one.
  std::string channel_for(const sio::broadcast_target& target) const;
  std::error_code publish(std::string channel, const cluster_body& body, std::function<void(bool sent)> sent = {});

  const std::string main_;       // <key>#<nsp>#
  const std::string responses_;  // <key>#<nsp>#<uid>#
  std::mutex rooms_mutex_;
  std::set<std::string> room_channels_;  // subscribed (room_created, room_deleted, unsubscribe)
};

}  // namespace switchboard::cluster
