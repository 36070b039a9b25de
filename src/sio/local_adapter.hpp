#pragma once
// The adapter of this process: each shard walks its own index of the namespace. A broadcast is
// one post per shard carrying the same encoded frame.
#include "namespace_state.hpp"

namespace switchboard::sio::detail {

class local_adapter final : public adapter {
 public:
  explicit local_adapter(namespace_state& nsp) : nsp_(nsp) {}

  std::error_code broadcast(const wire::sio::packet& packet, wire::frame_ptr frame, const broadcast_target& target,
                            delivered_callback delivered) override;
  void broadcast_with_ack(const wire::sio::packet& packet, wire::frame_ptr frame, std::uint64_t ack_id,
                          const broadcast_target& target, broadcast_ack_callback done,
                          broadcast_ack_progress progress) override;
  void fetch_sockets(const broadcast_target& target, std::function<void(std::vector<socket_info>)> done) override;
  void add_sockets(const broadcast_target& target, std::string room) override;
  void del_sockets(const broadcast_target& target, std::string room) override;
  void disconnect_sockets(const broadcast_target& target, bool close) override;
  std::error_code encode_for_clients(const wire::sio::packet& packet, wire::frame_ptr& out) const override;
  void counts(std::function<void(std::size_t sockets, std::size_t rooms)> done) override;
  void room_names(std::function<void(std::set<std::string>)> done) override;

 private:
  // Runs `f(shard, index)` on every shard, each on its own thread; the namespace stays alive.
  template <class F>
  void on_every_shard(F f);

  namespace_state& nsp_;  // owns this adapter
};

}  // namespace switchboard::sio::detail
