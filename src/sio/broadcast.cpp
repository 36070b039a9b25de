#include "switchboard/sio/broadcast.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

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

broadcast_operator broadcast_operator::timeout(std::chrono::milliseconds d) const {
  auto copy = *this;
  copy.flags_.timeout = d;
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

// Gathers the answers to a broadcast with ack on one home shard: the shards post how many
// sockets they asked, the sockets post their answers (or that they left). No lock.
class ack_gathering : public std::enable_shared_from_this<ack_gathering> {
 public:
  ack_gathering(boost::asio::io_context& home, std::size_t shards, broadcast_ack_callback done)
      : home_(home), timer_(home), shards_pending_(shards), done_(std::move(done)) {}

  void start(std::chrono::milliseconds timeout) {
    timer_.expires_after(timeout);
    timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (!ec) self->finish(errc::ack_timeout);
    });
  }

  void shard_counted(std::size_t asked) {
    boost::asio::post(home_, [self = shared_from_this(), asked] {
      self->expected_ += asked;
      --self->shards_pending_;
      self->check();
    });
  }

  void answered(std::error_code ec, arguments answer) {
    boost::asio::post(home_, [self = shared_from_this(), ec, answer = std::move(answer)]() mutable {
      ++self->received_;
      if (!ec) self->answers_.push_back(std::move(answer));
      self->check();
    });
  }

 private:
  void check() {
    if (shards_pending_ == 0 && received_ >= expected_) finish({});
  }

  void finish(std::error_code ec) {
    if (!done_) return;
    timer_.cancel();
    auto done = std::move(done_);
    done_ = nullptr;
    done(ec, std::move(answers_));
  }

  boost::asio::io_context& home_;
  boost::asio::steady_timer timer_;
  std::size_t shards_pending_;
  std::size_t expected_ = 0;
  std::size_t received_ = 0;
  std::vector<arguments> answers_;
  broadcast_ack_callback done_;
};

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

void broadcast_operator::emit_with_ack(std::string_view event, arguments args, broadcast_ack_callback done) const {
  wire::sio::packet p = detail::make_event_packet(event, std::move(args));
  p.nsp = nsp_->name;
  // One id for every recipient, so that the packet is still encoded once.
  const std::uint64_t id = nsp_->next_ack_id.fetch_add(1, std::memory_order_relaxed);
  p.id = id;
  wire::frame_ptr frame;
  if (wire::sio::is_reserved_event(event) || wire::sio::encode_frame(p, frame)) return done(errc::reserved_event, {});
  nsp_->encoded_broadcasts.fetch_add(1, std::memory_order_relaxed);
  auto gathering = std::make_shared<ack_gathering>(nsp_->shards.shard(0), nsp_->shards.size(), std::move(done));
  boost::asio::post(nsp_->shards.shard(0), [gathering, timeout = flags_.timeout] { gathering->start(timeout); });
  on_every_shard(nsp_, [frame, id, gathering, rooms = rooms_, except = except_, is_volatile = flags_.is_volatile](
                           detail::shard_index& index) {
    std::size_t asked = 0;
    for (const auto& s : targets(index, rooms, except)) {
      const bool waiting = s->expect_ack(id, [gathering](std::error_code ec, arguments answer) {
        gathering->answered(ec, std::move(answer));
      });
      if (!waiting) continue;
      s->send_frame(frame, is_volatile);
      ++asked;
    }
    gathering->shard_counted(asked);
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
