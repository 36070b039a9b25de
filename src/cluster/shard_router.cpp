#include "shard_router.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <algorithm>

#include "switchboard/log/log.hpp"

namespace switchboard::cluster::detail {

namespace asio = boost::asio;
using namespace std::chrono_literals;

shard_router::shard_router(asio::any_io_executor executor, std::vector<redis_endpoint> seeds, redis_options options,
                           std::chrono::milliseconds refresh_interval)
    : strand_(asio::make_strand(executor)),
      seeds_(std::move(seeds)),
      options_(options),
      refresh_interval_(refresh_interval),
      refresh_timer_(strand_) {}

void shard_router::start() {
  asio::dispatch(strand_, [self = shared_from_this()] { self->refresh(); });
}

void shard_router::close() {
  asio::dispatch(strand_, [self = shared_from_this()] {
    self->closed_ = true;
    self->refresh_timer_.cancel();
    if (self->probe_) self->probe_->close();
    for (auto& [address, m] : self->masters_) {
      m.publisher->close();
      m.subscriber->close();
    }
    self->connected_ = false;
  });
}

// ---- the topology ----

void shard_router::schedule_refresh(std::chrono::milliseconds after) {
  refresh_timer_.expires_after(after);
  refresh_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (!ec) self->refresh();
  });
}

// Asks a master that is up, or else the seeds in turn, for CLUSTER SHARDS.
void shard_router::refresh() {
  if (closed_ || standalone_) return;  // a single Redis does not move
  if (refreshing_) {
    if (!probe_ || probe_->connected()) return;  // an answer is on its way
    probe_->close();  // a seed that does not answer: the next one
    probe_.reset();
  }
  refreshing_ = true;
  auto on_reply = [weak = weak_from_this()](std::error_code ec, redis_reply reply) {
    const auto self = weak.lock();
    if (!self) return;
    asio::post(self->strand_, [self, ec, reply = std::move(reply)]() mutable {
      self->refreshing_ = false;
      if (self->closed_) return;
      if (self->probe_) {
        self->probe_->close();
        self->probe_.reset();
      }
      if (ec) {
        ++self->topology_errors_;
        return self->schedule_refresh(500ms);
      }
      if (reply.is_error() && reply.str.find("cluster support disabled") != std::string::npos) {
        self->standalone_ = true;
        const auto& seed = self->seeds_.front();
        return self->apply(topology::single({seed.host, seed.port}));
      }
      std::string error;
      auto fresh = topology::from_cluster_shards(reply, error);
      if (!fresh) {
        ++self->topology_errors_;
        log::warn("redis cluster: cannot read the topology", {{"error", error}});
        return self->schedule_refresh(1s);
      }
      self->apply(std::move(*fresh));
      self->schedule_refresh(self->connected() ? self->refresh_interval_ : 500ms);
    });
  };
  for (auto& [address, m] : masters_) {
    if (m.publisher->connected()) return m.publisher->command({"CLUSTER", "SHARDS"}, std::move(on_reply));
  }
  // No master is up: a seed, each in turn, answers once it is connected.
  const auto& seed = seeds_[next_seed_++ % seeds_.size()];
  probe_ = std::make_unique<redis_connection>(strand_, seed, options_);
  // Weak: the probe belongs to the router, and a closed router keeps its last probe.
  probe_->on_state([weak = weak_from_this(), on_reply](bool up, std::string_view) {
    const auto self = weak.lock();
    if (!up || !self) return;
    asio::post(self->strand_, [self, on_reply] {
      if (self->probe_) self->probe_->command({"CLUSTER", "SHARDS"}, on_reply);
    });
  });
  probe_->start();
  schedule_refresh(options_.connect_timeout + 500ms);  // then the next seed, if this one is silent
}

void shard_router::apply(topology fresh) {
  topology_ = std::move(fresh);
  for (const auto& address : topology_->masters()) link_to(address);
  // Masters that no longer serve a slot: their connections go, their channels move below.
  for (auto it = masters_.begin(); it != masters_.end();) {
    const auto& known = topology_->masters();
    if (std::find(known.begin(), known.end(), it->first) != known.end()) {
      ++it;
      continue;
    }
    log::info("redis cluster: a master left the topology", {{"redis", it->first.host + ":" + std::to_string(it->first.port)}});
    it->second.publisher->close();
    it->second.subscriber->close();
    for (auto p = placed_.begin(); p != placed_.end();) p = p->second == it->first ? placed_.erase(p) : std::next(p);
    it = masters_.erase(it);
  }
  for (const auto& channel : channels_) place(channel);
  update_state();
}

// Subscribes `channel` on its slot's master, and off the one it was on if that changed.
void shard_router::place(const std::string& channel) {
  if (!topology_) return;
  const node_address* owner = topology_->master_of(key_slot(channel));
  if (!owner) return;  // no master now: it stays where it is until one takes the slot
  const auto placed = placed_.find(channel);
  if (placed != placed_.end()) {
    if (placed->second == *owner) return;
    const auto old = masters_.find(placed->second);
    if (old != masters_.end()) old->second.subscriber->sunsubscribe({channel});
  }
  link_to(*owner).subscriber->ssubscribe({channel});
  placed_[channel] = *owner;
}

redis_endpoint shard_router::endpoint_of(const node_address& address) const {
  redis_endpoint e = seeds_.front();  // credentials and db
  e.host = address.host;
  e.port = address.port;
  return e;
}

shard_router::master& shard_router::link_to(const node_address& address) {
  const auto found = masters_.find(address);
  if (found != masters_.end()) return found->second;
  master& m = masters_[address];
  m.publisher = std::make_unique<redis_connection>(strand_, endpoint_of(address), options_);
  m.subscriber = std::make_unique<redis_connection>(strand_, endpoint_of(address), options_);
  m.subscriber->on_message([self = weak_from_this()](std::string_view p, std::string_view c, std::string_view payload) {
    const auto router = self.lock();
    if (router && router->on_message_) router->on_message_(p, c, payload);
  });
  const auto on_state = [self = weak_from_this(), ever_up = std::make_shared<bool>(false)](bool up, std::string_view) {
    const auto router = self.lock();
    if (!router) return;
    if (!up) router->link_errors_.fetch_add(1, std::memory_order_relaxed);
    if (up && std::exchange(*ever_up, true)) router->link_reconnects_.fetch_add(1, std::memory_order_relaxed);
    asio::post(router->strand_, [router, up] {
      router->update_state();
      if (!up && !router->closed_) router->schedule_refresh(500ms);  // a failover may follow: look again soon
    });
  };
  m.publisher->on_state(on_state);
  m.subscriber->on_state(on_state);
  if (!closed_) {
    m.publisher->start();
    m.subscriber->start();
  }
  return m;
}

void shard_router::update_state() {
  bool up = topology_ && topology_->covers_every_slot() && !masters_.empty() && !closed_;
  for (const auto& [address, m] : masters_) up = up && m.publisher->connected() && m.subscriber->connected();
  if (connected_.exchange(up) == up) return;
  log::info(up ? "redis cluster: every slot served" : "redis cluster: not every slot reachable",
            {{"masters", masters_.size()}});
  if (on_state_) on_state_(up, up ? std::string_view{} : std::string_view{"not every slot reachable"});
}

// ---- commands ----

void shard_router::spublish(std::string channel, std::string payload, reply_handler handler) {
  command({"SPUBLISH", std::move(channel), std::move(payload)}, std::move(handler));
}

void shard_router::command(std::vector<std::string> argv, reply_handler handler) {
  asio::dispatch(strand_, [self = shared_from_this(), argv = std::move(argv), handler = std::move(handler)]() mutable {
    self->send(std::move(argv), std::move(handler), false);
  });
}

void shard_router::send(std::vector<std::string> argv, reply_handler handler, bool retried) {
  const node_address* owner = topology_ && argv.size() > 1 ? topology_->master_of(key_slot(argv[1])) : nullptr;
  if (!owner || closed_) {
    if (handler) {
      asio::post(strand_, [handler = std::move(handler)] { handler(redis_errc::disconnected, {}); });
    }
    return;
  }
  const node_address asked = *owner;
  auto resend = argv;  // kept for a redirection
  // Weak: the handler waits in a connection the router owns; a closed router must not keep itself.
  link_to(asked).publisher->command(
      std::move(argv), [weak = weak_from_this(), argv = std::move(resend), handler = std::move(handler), retried,
                        asked](std::error_code ec, redis_reply reply) mutable {
        const auto moved = !ec && reply.is_error() ? parse_redirection(reply.str) : std::nullopt;
        const auto self = weak.lock();
        if (!moved || retried || !self) {
          if (handler) handler(ec, std::move(reply));
          return;
        }
        asio::post(self->strand_, [self, argv = std::move(argv), handler = std::move(handler), moved = *moved,
                                   asked]() mutable {
          node_address to = moved.to;
          if (to.host.empty()) to.host = asked.host;
          // The slot has moved (or is moving): the next command goes there, and so do its channels.
          auto& target = self->link_to(to);
          if (moved.ask) target.publisher->command({"ASKING"}, {});
          target.publisher->command(std::move(argv), std::move(handler));
          self->refresh();
        });
      });
}

void shard_router::shard_subscribers(std::string channel, std::function<void(std::size_t)> done) {
  asio::dispatch(strand_, [self = shared_from_this(), channel = std::move(channel), done = std::move(done)]() mutable {
    const node_address* owner = self->topology_ ? self->topology_->master_of(key_slot(channel)) : nullptr;
    if (!owner) return asio::post(self->strand_, [done = std::move(done)] { done(0); });
    self->link_to(*owner).publisher->command(
        {"PUBSUB", "SHARDNUMSUB", channel}, [done = std::move(done)](std::error_code ec, redis_reply reply) {
          long long n = 0;
          if (!ec && reply.type == redis_reply::kind::array && reply.elements.size() == 2) n = reply.elements[1].integer;
          done(n > 0 ? static_cast<std::size_t>(n) : 0);
        });
  });
}

void shard_router::ssubscribe(std::vector<std::string> channels) {
  asio::dispatch(strand_, [self = shared_from_this(), channels = std::move(channels)] {
    for (const auto& channel : channels) {
      if (self->channels_.insert(channel).second) self->place(channel);
    }
  });
}

void shard_router::sunsubscribe(std::vector<std::string> channels) {
  asio::dispatch(strand_, [self = shared_from_this(), channels = std::move(channels)] {
    for (const auto& channel : channels) {
      self->channels_.erase(channel);
      const auto placed = self->placed_.find(channel);
      if (placed == self->placed_.end()) continue;
      const auto m = self->masters_.find(placed->second);
      if (m != self->masters_.end()) m->second.subscriber->sunsubscribe({channel});
      self->placed_.erase(placed);
    }
  });
}

redis_stats shard_router::stats() const {
  redis_stats total;
  total.connected = connected();
  total.errors = topology_errors_.load(std::memory_order_relaxed) + link_errors_.load(std::memory_order_relaxed);
  total.reconnects = link_reconnects_.load(std::memory_order_relaxed);
  return total;
}

}  // namespace switchboard::cluster::detail
