#include "switchboard/sio/broadcast.hpp"

#include <boost/asio/post.hpp>

#include "packets.hpp"
#include "socket_impl.hpp"

namespace switchboard::sio {

using detail::socket_impl;

broadcast_operator::broadcast_operator(std::shared_ptr<detail::namespace_state> nsp, std::set<std::string> rooms,
                                       std::set<std::string> except, broadcast_flags flags)
    : nsp_(std::move(nsp)), rooms_(std::move(rooms)), except_(std::move(except)), flags_(flags) {}

broadcast_operator broadcast_operator::to(std::string room) const {
  auto copy = *this;
  copy.rooms_.insert(std::move(room));
  return copy;
}

broadcast_operator broadcast_operator::except(std::string room) const {
  auto copy = *this;
  copy.except_.insert(std::move(room));
  return copy;
}

broadcast_operator broadcast_operator::volatile_() const {
  auto copy = *this;
  copy.flags_.is_volatile = true;
  return copy;
}

broadcast_operator broadcast_operator::compress(bool on) const {
  auto copy = *this;
  copy.flags_.compress = on;
  return copy;
}

broadcast_operator broadcast_operator::local() const {
  auto copy = *this;
  copy.flags_.local = true;
  return copy;
}

namespace {

// Runs `f(shard_index)` on every shard, each on its own thread.
template <class F>
void on_every_shard(const std::shared_ptr<detail::namespace_state>& nsp, F f) {
  for (std::size_t shard = 0; shard < nsp->shards.size(); ++shard) {
    boost::asio::post(nsp->shards.shard(shard), [nsp, shard, f] { f(nsp->index[shard]); });
  }
}

// The targeted sockets of one shard, collected first: acting on them may change the index.
std::vector<std::shared_ptr<socket_impl>> targets(const detail::shard_index& index, const std::set<std::string>& rooms,
                                                  const std::set<std::string>& except) {
  std::vector<std::shared_ptr<socket_impl>> out;
  index.for_each(rooms, except, [&](socket_impl& s) { out.push_back(s.self()); });
  return out;
}

}  // namespace

void broadcast_operator::emit(std::string_view event, arguments args) const {
  wire::sio::packet p = detail::make_event_packet(event, std::move(args));
  p.nsp = nsp_->name;
  wire::frame_ptr frame;
  if (wire::sio::is_reserved_event(event) || wire::sio::encode_frame(p, frame)) return;
  nsp_->encoded_broadcasts.fetch_add(1, std::memory_order_relaxed);
  on_every_shard(nsp_, [frame, rooms = rooms_, except = except_, is_volatile = flags_.is_volatile](
                           detail::shard_index& index) {
    index.for_each(rooms, except, [&](socket_impl& s) { s.send_frame(frame, is_volatile); });
  });
}

void broadcast_operator::fetch_sockets(std::function<void(std::vector<socket_info>)> done) const {
  // Each shard fills its own slot; the last one to finish hands the whole list over.
  struct gathering {
    std::vector<std::vector<socket_info>> per_shard;
    std::atomic<std::size_t> remaining;
    std::function<void(std::vector<socket_info>)> done;
  };
  auto state = std::make_shared<gathering>();
  state->per_shard.resize(nsp_->shards.size());
  state->remaining = nsp_->shards.size();
  state->done = std::move(done);
  for (std::size_t shard = 0; shard < nsp_->shards.size(); ++shard) {
    boost::asio::post(nsp_->shards.shard(shard), [nsp = nsp_, shard, state, rooms = rooms_, except = except_] {
      nsp->index[shard].for_each(rooms, except, [&](socket_impl& s) {
        state->per_shard[shard].push_back({s.id(), s.rooms(), s.data()});
      });
      if (state->remaining.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
      std::vector<socket_info> all;
      for (auto& part : state->per_shard) std::move(part.begin(), part.end(), std::back_inserter(all));
      state->done(std::move(all));
    });
  }
}

void broadcast_operator::sockets_join(std::string room) const {
  on_every_shard(nsp_, [rooms = rooms_, except = except_, room](detail::shard_index& index) {
    for (const auto& s : targets(index, rooms, except)) s->join(room);
  });
}

void broadcast_operator::sockets_leave(std::string room) const {
  on_every_shard(nsp_, [rooms = rooms_, except = except_, room](detail::shard_index& index) {
    for (const auto& s : targets(index, rooms, except)) s->leave(room);
  });
}

void broadcast_operator::disconnect_sockets(bool close) const {
  on_every_shard(nsp_, [rooms = rooms_, except = except_, close](detail::shard_index& index) {
    for (const auto& s : targets(index, rooms, except)) s->disconnect(close);
  });
}

}  // namespace switchboard::sio
