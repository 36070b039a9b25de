// The directory of a cluster's nodes in Redis: `<key>:node:<id>` = "host:port", written every
// heartbeat with a TTL, read (and cached briefly) by the nodes that relay to it.
#include "switchboard/cluster/node_directory.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <array>
#include <charconv>
#include <mutex>
#include <unordered_map>

#include "cluster_core.hpp"
#include "switchboard/http/secure_random.hpp"
#include "switchboard/log/log.hpp"

namespace switchboard::cluster {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

std::optional<tcp::endpoint> parse_node_address(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos) return std::nullopt;
  std::string_view host = text.substr(0, colon);
  const std::string_view port_text = text.substr(colon + 1);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  unsigned port = 0;
  const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port == 0 || port > 65535) return std::nullopt;
  boost::system::error_code bad;
  const auto address = asio::ip::make_address(std::string(host), bad);
  if (bad) return std::nullopt;
  return tcp::endpoint(address, static_cast<std::uint16_t>(port));
}

std::string format_node_address(const tcp::endpoint& address) {
  const std::string host = address.address().to_string();
  const std::string port = std::to_string(address.port());
  return address.address().is_v6() ? "[" + host + "]:" + port : host + ":" + port;
}

namespace {

std::string random_node_id() {
  static constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::array<unsigned char, 8> random{};
  http::secure_random(random);
  std::string id;
  for (const unsigned char byte : random) id.push_back(alphabet[byte & 0x3f]);
  return id;
}

void bump(std::atomic<std::uint64_t>& counter) noexcept { counter.fetch_add(1, std::memory_order_relaxed); }

class redis_node_directory final : public node_directory, public std::enable_shared_from_this<redis_node_directory> {
 public:
  redis_node_directory(std::shared_ptr<redis_cluster::core> core, node_directory_options options)
      : core_(core),
        options_(options),
        id_(random_node_id()),
        key_prefix_(core->options.key + ":node:"),
        strand_(asio::make_strand(core->executor)),
        timer_(strand_) {}

  const std::string& node_id() const noexcept override { return id_; }

  void locate(const std::string& id, std::function<void(std::optional<tcp::endpoint>)> found) override {
    if (auto cached = recall(id)) {
      return asio::post(strand_, [found = std::move(found), at = *cached] { found(at); });
    }
    bump(lookups_);
    command({"GET", key_prefix_ + id}, [self = shared_from_this(), id, found = std::move(found)](
                                                  std::error_code ec, redis_reply reply) {
      std::optional<tcp::endpoint> at;
      if (ec || reply.is_error()) {
        bump(self->lookup_errors_);
      } else {
        if (reply.type == redis_reply::kind::string) at = parse_node_address(reply.str);
        self->remember(id, at);
      }
      found(at);
    });
  }

  void advertise(tcp::endpoint address) override {
    asio::dispatch(strand_, [self = shared_from_this(), address] {
      self->record_ = format_node_address(address);
      self->advertising_ = true;
      log::info("cluster: advertising this node for relayed requests", {{"node", self->id_}, {"address", self->record_}});
      self->beat();
    });
  }

  void withdraw() override {
    asio::dispatch(strand_, [self = shared_from_this()] {
      if (!self->advertising_) return;
      self->advertising_ = false;
      self->timer_.cancel();
      self->command({"DEL", self->key_prefix_ + self->id_}, {});
    });
  }

  node_directory_stats stats() const noexcept override {
    return {.lookups = lookups_.load(std::memory_order_relaxed),
            .lookup_errors = lookup_errors_.load(std::memory_order_relaxed),
            .heartbeat_errors = heartbeat_errors_.load(std::memory_order_relaxed)};
  }

 private:
  struct cached {
    std::optional<tcp::endpoint> at;
    std::chrono::steady_clock::time_point until;
  };

  // On strand_: writes the record, then again after a heartbeat (sooner after a failure: Redis
  // may not be connected yet when the node starts).
  void beat() {
    command({"SET", key_prefix_ + id_, record_, "PX", std::to_string(options_.ttl.count())},
                   [self = shared_from_this()](std::error_code ec, redis_reply reply) {
                     const bool ok = !ec && !reply.is_error();
                     if (!ok) bump(self->heartbeat_errors_);
                     // Quiet while Redis is still being connected to at start; loud once it lasts.
                     const auto failures = ok ? self->failures_in_a_row_.exchange(0)
                                              : self->failures_in_a_row_.fetch_add(1) + 1;
                     if (!ok && failures == warn_after_failures) {
                       log::warn("cluster: the node's record cannot be written: other nodes cannot relay to it",
                                 {{"reason", ec ? ec.message() : reply.str}});
                     } else if (ok && failures >= warn_after_failures) {
                       log::info("cluster: the node's record is written again");
                     }
                     asio::post(self->strand_, [self, ok] {
                       self->schedule(ok ? self->options_.heartbeat : std::min(self->options_.heartbeat, retry_after));
                     });
                   });
  }

  void schedule(std::chrono::milliseconds after) {
    if (!advertising_) return;
    timer_.expires_after(after);
    timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (!ec && self->advertising_) self->beat();
    });
  }

  static constexpr std::chrono::milliseconds retry_after{250};
  static constexpr std::uint64_t warn_after_failures = 8;

  // A command over the core's connections; without them (the cluster is gone) it fails at once.
  void command(std::vector<std::string> argv, reply_handler handler) {
    if (const auto core = core_.lock()) return core->command(std::move(argv), std::move(handler));
    if (handler) asio::post(strand_, [handler = std::move(handler)] { handler(redis_errc::closed, {}); });
  }

  std::optional<std::optional<tcp::endpoint>> recall(const std::string& id) {
    std::lock_guard lock(cache_mutex_);
    const auto it = cache_.find(id);
    if (it == cache_.end() || std::chrono::steady_clock::now() >= it->second.until) return std::nullopt;
    return it->second.at;
  }

  void remember(const std::string& id, std::optional<tcp::endpoint> at) {
    std::lock_guard lock(cache_mutex_);
    if (cache_.size() >= options_.max_cached) cache_.clear();
    cache_[id] = {at, std::chrono::steady_clock::now() + (at ? options_.cache_for : options_.cache_missing_for)};
  }

  // Weak: the engine holds the directory for as long as it lives, and the core's connections must
  // go with redis_cluster, while the loop that closes them still runs.
  const std::weak_ptr<redis_cluster::core> core_;
  const node_directory_options options_;
  const std::string id_;
  const std::string key_prefix_;
  asio::strand<asio::any_io_executor> strand_;
  asio::steady_timer timer_;  // on strand_
  std::string record_;        // on strand_
  bool advertising_ = false;  // on strand_
  std::atomic<std::uint64_t> failures_in_a_row_{0};
  std::mutex cache_mutex_;
  std::unordered_map<std::string, cached> cache_;
  std::atomic<std::uint64_t> lookups_{0}, lookup_errors_{0}, heartbeat_errors_{0};
};

}  // namespace

std::shared_ptr<node_directory> make_node_directory(std::shared_ptr<redis_cluster::core> core,
                                                    node_directory_options options) {
  return std::make_shared<redis_node_directory>(std::move(core), options);
}

}  // namespace switchboard::cluster
