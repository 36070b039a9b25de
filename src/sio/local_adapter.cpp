#include "local_adapter.hpp"

#include "packets.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "socket_impl.hpp"

namespace switchboard::sio::detail {
namespace {

// The targeted sockets of one shard, held: acting on them may change the index.
std::vector<std::shared_ptr<socket_impl>> targets(const shard_index& index, const broadcast_target& target) {
  return index.snapshot(target.rooms, target.except);
}

// Results of every shard, gathered on one home shard through posts: no lock. `Part` is what one
// shard contributes; `finish` runs once, when every shard has.
template <class Part>
class per_shard_gathering {
 public:
  per_shard_gathering(std::size_t shards, std::function<void(std::vector<Part>)> finish)
      : parts_(shards), remaining_(shards), finish_(std::move(finish)) {}

  void add(std::size_t shard, Part part) {
    parts_[shard] = std::move(part);
    if (remaining_.fetch_sub(1, std::memory_order_acq_rel) == 1) finish_(std::move(parts_));
  }

 private:
  std::vector<Part> parts_;
  std::atomic<std::size_t> remaining_;
  std::function<void(std::vector<Part>)> finish_;
};

// Answers to a broadcast with ack, gathered on shard 0: each shard posts how many sockets it
// asked, each socket its answer (or that it left); a timer ends it with what came. Progress is
// reported in order: the count once every shard has given its own, then each answer (those that
// came before the count right after it).
class ack_gathering : public std::enable_shared_from_this<ack_gathering> {
 public:
  ack_gathering(http::shard_pool& pool, std::uint64_t ack_id, broadcast_ack_callback done,
                broadcast_ack_progress progress)
      : pool_(pool),
        home_(pool.shard(0)),
        timer_(home_),
        ack_id_(ack_id),
        asked_(pool.size()),
        shards_pending_(pool.size()),
        done_(std::move(done)),
        progress_(std::move(progress)) {}

  // On `shard`: whether the sockets may still be asked (false once the gathering has ended), and
  // those asked, whose entries are released when it ends before they answer.
  bool open() const noexcept { return !ended_.load(std::memory_order_acquire); }
  void asked(std::size_t shard, std::vector<std::weak_ptr<socket_impl>> sockets) { asked_[shard] = std::move(sockets); }

  void start(std::chrono::milliseconds timeout) {
    timer_.expires_after(timeout);
    timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (!ec) self->finish(errc::ack_timeout);
    });
  }

  void shard_counted(std::size_t asked) {
    boost::asio::post(home_, [self = shared_from_this(), asked] {
      self->expected_ += asked;
      if (--self->shards_pending_ == 0 && self->done_) self->report_count();
      self->check();
    });
  }

  void answered(std::error_code ec, arguments answer) {
    boost::asio::post(home_, [self = shared_from_this(), ec, answer = std::move(answer)]() mutable {
      ++self->received_;
      if (!ec) {
        self->answers_.push_back(std::move(answer));
        if (self->shards_pending_ == 0 && self->done_ && self->progress_.answered) {
          self->progress_.answered(self->answers_.back());
        }
      }
      self->check();
    });
  }

 private:
  void report_count() {
    if (progress_.counted) progress_.counted(expected_);
    if (!progress_.answered) return;
    for (const auto& answer : answers_) progress_.answered(answer);
  }

  void check() {
    if (shards_pending_ == 0 && received_ >= expected_) finish({});
  }

  void finish(std::error_code ec) {
    if (!done_) return;
    timer_.cancel();
    ended_.store(true, std::memory_order_release);
    if (ec) release_unanswered();
    auto done = std::move(done_);
    done_ = nullptr;
    done(ec, std::move(answers_));
  }

  // The sockets that never answered forget the ack: their pending count must not fill up. Each
  // shard reads its own list, written there before the shard was counted (or not at all).
  void release_unanswered() {
    for (std::size_t shard = 0; shard < asked_.size(); ++shard) {
      boost::asio::post(pool_.shard(shard), [self = shared_from_this(), shard] {
        for (const auto& weak : self->asked_[shard]) {
          if (const auto s = weak.lock()) s->forget_ack(self->ack_id_);
        }
      });
    }
  }

  http::shard_pool& pool_;
  boost::asio::io_context& home_;
  boost::asio::steady_timer timer_;
  const std::uint64_t ack_id_;
  std::vector<std::vector<std::weak_ptr<socket_impl>>> asked_;  // [shard], touched on that shard
  std::atomic<bool> ended_{false};
  std::size_t shards_pending_;
  std::size_t expected_ = 0;
  std::size_t received_ = 0;
  std::vector<arguments> answers_;
  broadcast_ack_callback done_;
  broadcast_ack_progress progress_;
};

}  // namespace

template <class F>
void local_adapter::on_every_shard(F f) {
  auto nsp = nsp_.shared_from_this();
  for (std::size_t shard = 0; shard < nsp->shards.size(); ++shard) {
    boost::asio::post(nsp->shards.shard(shard), [nsp, shard, f] { f(shard, nsp->index[shard]); });
  }
}

std::error_code local_adapter::encode_for_clients(const wire::sio::packet& packet, wire::frame_ptr& out) const {
  return encode_packet(nsp_.opts.parser, packet, wire::sio::msgpack_parser::shape::broadcast, out);
}

std::error_code local_adapter::broadcast(const wire::sio::packet& p, wire::frame_ptr frame, const broadcast_target& target,
                                         delivered_callback delivered) {
  // Only with an observer that wants them: each recipient is reported with the packet.
  std::shared_ptr<observer> watcher = nsp_.config.watcher;
  if (watcher && !watcher->wants_broadcast_events()) watcher.reset();
  auto observed = watcher ? std::make_shared<const wire::sio::packet>(p) : nullptr;
  std::shared_ptr<per_shard_gathering<std::size_t>> counting;
  if (delivered) {
    counting = std::make_shared<per_shard_gathering<std::size_t>>(
        nsp_.shards.size(), [delivered = std::move(delivered)](std::vector<std::size_t> parts) {
          std::size_t total = 0;
          for (std::size_t part : parts) total += part;
          delivered(total);
        });
  }
  on_every_shard([frame = std::move(frame), target, counting, watcher, observed](std::size_t shard, shard_index& index) {
    std::size_t queued = 0;
    // A snapshot: a send that overflows closes its socket, which leaves this index.
    for (const auto& s : targets(index, target)) {
      if (s->send_frame(frame, target.flags.is_volatile) != engine::send_status::queued) continue;
      ++queued;
      if (watcher) watcher->event_sent(*s, *observed);
    }
    if (counting) counting->add(shard, queued);
  });
  return {};
}

void local_adapter::broadcast_with_ack(const wire::sio::packet&, wire::frame_ptr frame, std::uint64_t ack_id,
                                       const broadcast_target& target, broadcast_ack_callback done,
                                       broadcast_ack_progress progress) {
  auto gathering = std::make_shared<ack_gathering>(nsp_.shards, ack_id, std::move(done), std::move(progress));
  boost::asio::post(nsp_.shards.shard(0), [gathering, timeout = target.flags.timeout] { gathering->start(timeout); });
  on_every_shard([frame = std::move(frame), ack_id, gathering, target](std::size_t shard, shard_index& index) {
    std::size_t asked = 0;
    std::vector<std::weak_ptr<socket_impl>> waiting_sockets;
    if (gathering->open()) {
      for (const auto& s : targets(index, target)) {
        const bool waiting = s->expect_ack(ack_id, [gathering](std::error_code ec, arguments answer) {
          gathering->answered(ec, std::move(answer));
        });
        if (!waiting) continue;
        waiting_sockets.push_back(s);
        s->send_frame(frame, target.flags.is_volatile);
        ++asked;
      }
    }
    gathering->asked(shard, std::move(waiting_sockets));
    gathering->shard_counted(asked);
  });
}

void local_adapter::fetch_sockets(const broadcast_target& target, std::function<void(std::vector<socket_info>)> done) {
  auto gathering = std::make_shared<per_shard_gathering<std::vector<socket_info>>>(
      nsp_.shards.size(), [done = std::move(done)](std::vector<std::vector<socket_info>> parts) {
        std::vector<socket_info> all;
        for (auto& part : parts) std::move(part.begin(), part.end(), std::back_inserter(all));
        done(std::move(all));
      });
  on_every_shard([gathering, target](std::size_t shard, shard_index& index) {
    std::vector<socket_info> found;
    index.for_each(target.rooms, target.except, [&](socket_impl& s) {
      found.push_back({s.id(), s.rooms(), s.data(), s.handshake()});
    });
    gathering->add(shard, std::move(found));
  });
}

void local_adapter::add_sockets(const broadcast_target& target, std::string room) {
  on_every_shard([target, room](std::size_t, shard_index& index) {
    for (const auto& s : targets(index, target)) s->enter_room(room);
  });
}

void local_adapter::del_sockets(const broadcast_target& target, std::string room) {
  on_every_shard([target, room](std::size_t, shard_index& index) {
    for (const auto& s : targets(index, target)) s->leave_room(room);
  });
}

void local_adapter::disconnect_sockets(const broadcast_target& target, bool close) {
  on_every_shard([target, close](std::size_t, shard_index& index) {
    for (const auto& s : targets(index, target)) s->disconnect(close);
  });
}

void local_adapter::counts(std::function<void(std::size_t sockets, std::size_t rooms)> done) {
  // A room may have members on several shards: count names, not per-shard entries.
  using part = std::pair<std::size_t, std::vector<std::string>>;
  auto gathering = std::make_shared<per_shard_gathering<part>>(
      nsp_.shards.size(), [done = std::move(done)](std::vector<part> parts) {
        std::size_t sockets = 0;
        std::unordered_set<std::string> rooms;
        for (auto& [count, names] : parts) {
          sockets += count;
          rooms.insert(std::make_move_iterator(names.begin()), std::make_move_iterator(names.end()));
        }
        done(sockets, rooms.size());
      });
  on_every_shard([gathering](std::size_t shard, shard_index& index) {
    gathering->add(shard, {index.size(), index.room_names()});
  });
}

void local_adapter::room_names(std::function<void(std::set<std::string>)> done) {
  auto gathering = std::make_shared<per_shard_gathering<std::vector<std::string>>>(
      nsp_.shards.size(), [done = std::move(done)](std::vector<std::vector<std::string>> parts) {
        std::set<std::string> rooms;
        for (auto& names : parts) rooms.insert(std::make_move_iterator(names.begin()), std::make_move_iterator(names.end()));
        done(std::move(rooms));
      });
  on_every_shard([gathering](std::size_t shard, shard_index& index) { gathering->add(shard, index.room_names()); });
}

std::shared_ptr<namespace_state> make_namespace(std::string name, http::shard_pool& shards, server_config& config) {
  auto state = std::make_shared<namespace_state>(std::move(name), shards, config);
  std::unique_ptr<adapter> local = std::make_unique<local_adapter>(*state);
  const auto& factory = config.opts.adapter_factory;
  state->adapter = factory ? factory(state->name, std::move(local)) : std::move(local);
  state->track_rooms = state->adapter->tracks_rooms();
  return state;
}

}  // namespace switchboard::sio::detail
