// The Redis adapter's process-wide part: the two connections, the routing of received messages
// to the namespaces' nodes, the counters, and redis_cluster's API.
#include "switchboard/cluster/redis_adapter.hpp"

#include <boost/asio/post.hpp>
#include <random>

#include "cluster_core.hpp"
#include "sharded_node.hpp"
#include "switchboard/log/log.hpp"

namespace switchboard::cluster {

namespace {

class cluster_category_impl final : public std::error_category {
 public:
  const char* name() const noexcept override { return "switchboard.cluster"; }
  std::string message(int code) const override {
    switch (static_cast<cluster_errc>(code)) {
      case cluster_errc::unknown_namespace: return "no adapter for that namespace";
      case cluster_errc::request_timeout: return "timeout reached: not every node answered";
    }
    return "unknown cluster error";
  }
};

}  // namespace

const std::error_category& cluster_category() noexcept {
  static const cluster_category_impl category;
  return category;
}

std::string random_id() {
  static constexpr std::string_view alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  thread_local std::mt19937_64 engine{std::random_device{}()};
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  std::string id(6, '0');
  for (char& c : id) c = alphabet[pick(engine)];
  return id;
}

std::string random_hex_id() {
  static constexpr std::string_view digits = "0123456789abcdef";
  thread_local std::mt19937_64 engine{std::random_device{}()};
  const std::uint64_t bits = engine();
  std::string id(16, '0');
  for (std::size_t i = 0; i < id.size(); ++i) id[i] = digits[(bits >> (4 * i)) & 0xF];
  return id;
}

// ---- core ----

redis_cluster::core::core(boost::asio::any_io_executor ex, redis_endpoint endpoint, redis_adapter_options opts)
    : executor(ex), options(std::move(opts)), publisher(ex, endpoint, options.redis), subscriber(ex, endpoint, options.redis) {
  if (options.protocol != adapter_protocol::sharded) return;
  std::vector<redis_endpoint> seeds{endpoint};
  seeds.insert(seeds.end(), options.cluster_seeds.begin(), options.cluster_seeds.end());
  shards = std::make_shared<detail::shard_router>(ex, std::move(seeds), options.redis);
}

void redis_cluster::core::publish(std::string channel, std::string payload, std::function<void(bool)> sent,
                                  bool sharded) {
  auto on_reply = [self = weak_from_this(), sent = std::move(sent)](std::error_code ec, redis_reply reply) {
    if (sent) sent(!ec && !reply.is_error());
    const auto c = self.lock();
    if (!c) return;
    if (!ec && !reply.is_error()) {
      c->published.fetch_add(1, std::memory_order_relaxed);
      if (c->publish_failing_.exchange(false)) log::info("redis adapter: publishing again");
      return;
    }
    const auto n = c->publish_failures.fetch_add(1, std::memory_order_relaxed) + 1;
    if (!c->publish_failing_.exchange(true) || n % 1000 == 0) {
      log::warn("redis adapter: publish failed", {{"reason", ec ? ec.message() : reply.str}, {"failures", n}});
    }
  };
  if (sharded && shards) return shards->spublish(std::move(channel), std::move(payload), std::move(on_reply));
  publisher.command({sharded ? "SPUBLISH" : "PUBLISH", std::move(channel), std::move(payload)}, std::move(on_reply));
}

void redis_cluster::core::add_route(const std::string& name, route_kind kind, const std::shared_ptr<node>& target) {
  const std::lock_guard lock(mutex_);
  routes_[name] = {kind, target};
  nodes_[target->nsp()] = target;
}

void redis_cluster::core::remove_route(const std::string& name) {
  const std::lock_guard lock(mutex_);
  routes_.erase(name);
}

void redis_cluster::core::route(std::string_view pattern, std::string_view channel, std::string_view payload) {
  std::shared_ptr<node> target;
  route_kind kind{};
  {
    const std::lock_guard lock(mutex_);
    const auto it = routes_.find(std::string(pattern.empty() ? channel : pattern));
    if (it == routes_.end()) return;
    target = it->second.target.lock();
    kind = it->second.kind;
  }
  if (!target || target->closed()) return;
  switch (kind) {
    case route_kind::broadcast: return target->on_broadcast(channel, payload);
    case route_kind::request: return target->on_request(payload);
    case route_kind::response: return target->on_response(payload);
    case route_kind::cluster_message: return target->on_cluster_message(channel, payload);
  }
}

std::shared_ptr<node> redis_cluster::core::find(const std::string& nsp) const {
  const std::lock_guard lock(mutex_);
  const auto it = nodes_.find(nsp);
  if (it == nodes_.end()) return nullptr;
  auto n = it->second.lock();
  return n && !n->closed() ? n : nullptr;
}

// ---- redis_cluster ----

redis_cluster::redis_cluster(boost::asio::any_io_executor executor, redis_endpoint endpoint,
                             redis_adapter_options options)
    : core_(std::make_shared<core>(std::move(executor), std::move(endpoint), std::move(options))) {
  core_->subscriber.on_message([weak = std::weak_ptr<core>(core_)](std::string_view p, std::string_view c,
                                                                    std::string_view m) {
    if (const auto self = weak.lock()) self->route(p, c, m);
  });
  const auto on_state = [](const char* which) {
    return [which](bool up, std::string_view reason) {
      if (up) {
        log::info("redis adapter: connected", {{"connection", which}});
      } else {
        log::warn("redis adapter: connection lost, local delivery only", {{"connection", which}, {"reason", reason}});
      }
    };
  };
  core_->publisher.on_state(on_state("publisher"));
  core_->subscriber.on_state(on_state("subscriber"));
  if (core_->shards) {
    core_->shards->on_message([weak = std::weak_ptr<core>(core_)](std::string_view p, std::string_view c,
                                                                  std::string_view m) {
      if (const auto self = weak.lock()) self->route(p, c, m);
    });
    core_->shards->on_state(on_state("masters"));
  }
}

redis_cluster::~redis_cluster() { close(); }

void redis_cluster::on_server_side_emit(server_side_emit_handler handler) {
  core_->server_side_emit = std::move(handler);
}

void redis_cluster::start() {
  if (core_->shards) return core_->shards->start();
  core_->publisher.start();
  core_->subscriber.start();
}

void redis_cluster::close() {
  std::shared_ptr<node_directory> directory;
  {
    std::lock_guard lock(directory_mutex_);
    directory = directory_;
  }
  if (directory) directory->withdraw();
  if (core_->shards) core_->shards->close();
  core_->publisher.close();
  core_->subscriber.close();
}

adapter_factory redis_cluster::make_factory() {
  // The factory outlives nothing it needs: it holds the core, not this object.
  return [c = core_](const std::string& nsp, std::unique_ptr<sio::adapter> local) -> std::unique_ptr<sio::adapter> {
    std::shared_ptr<node> n;
    if (c->options.protocol == adapter_protocol::sharded) n = std::make_shared<sharded_node>(c, nsp, std::move(local));
    else n = std::make_shared<node>(c, nsp, std::move(local));
    n->subscribe();
    return std::make_unique<node_adapter>(std::move(n));
  };
}

std::unique_ptr<sio::adapter> redis_cluster::make_adapter(const std::string& nsp, std::unique_ptr<sio::adapter> local) {
  return make_factory()(nsp, std::move(local));
}

std::error_code redis_cluster::server_side_emit(const std::string& nsp, boost::json::array data) {
  const auto n = core_->find(nsp);
  if (!n) return cluster_errc::unknown_namespace;
  n->server_side_emit(std::move(data), {});
  return {};
}

void redis_cluster::server_side_emit(const std::string& nsp, boost::json::array data, server_side_emit_callback done) {
  const auto n = core_->find(nsp);
  if (!n) {
    boost::asio::post(core_->executor, [done = std::move(done)] { done(cluster_errc::unknown_namespace, {}); });
    return;
  }
  if (!done) done = [](std::error_code, std::vector<boost::json::value>) {};
  n->server_side_emit(std::move(data), std::move(done));
}

void redis_cluster::all_rooms(const std::string& nsp, std::function<void(std::error_code, std::set<std::string>)> done) {
  const auto n = core_->find(nsp);
  if (!n) {
    boost::asio::post(core_->executor, [done = std::move(done)] { done(cluster_errc::unknown_namespace, {}); });
    return;
  }
  n->all_rooms(std::move(done));
}

std::shared_ptr<node_directory> redis_cluster::directory(node_directory_options options) {
  std::lock_guard lock(directory_mutex_);
  if (!directory_) directory_ = make_node_directory(core_, options);
  return directory_;
}

std::string redis_cluster::uid(const std::string& nsp) const {
  const auto n = core_->find(nsp);
  return n ? n->uid() : std::string();
}

redis_adapter_stats redis_cluster::stats() const noexcept {
  const redis_stats pub = core_->shards ? core_->shards->stats() : core_->publisher.stats();
  const redis_stats sub = core_->shards ? redis_stats{pub.connected, 0, 0, 0} : core_->subscriber.stats();
  redis_adapter_stats s;
  s.connected = pub.connected && sub.connected;
  s.redis_errors = pub.errors + sub.errors;
  s.reconnects = pub.reconnects + sub.reconnects;
  s.publish_failures = core_->publish_failures.load(std::memory_order_relaxed);
  s.request_timeouts = core_->request_timeouts.load(std::memory_order_relaxed);
  s.invalid_messages = core_->invalid_messages.load(std::memory_order_relaxed);
  s.published = core_->published.load(std::memory_order_relaxed);
  s.received = core_->received.load(std::memory_order_relaxed);
  return s;
}

}  // namespace switchboard::cluster
