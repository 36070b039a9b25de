#include "switchboard/http/relay.hpp"

#include <boost/asio/post.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <atomic>
#include <map>
#include <optional>
#include <vector>

namespace switchboard::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bh = boost::beast::http;
using tcp = asio::ip::tcp;
using clock = std::chrono::steady_clock;

namespace {

struct upstream {
  explicit upstream(asio::io_context& io) : stream(io) {}
  beast::tcp_stream stream;
  beast::flat_buffer buffer;
  clock::time_point idle_since{};
};

// One shard's connections, by target. Touched on that shard only.
struct shard_connections {
  struct target_connections {
    std::vector<std::unique_ptr<upstream>> idle;  // the most recently used last
    std::size_t open = 0;                         // idle and busy
  };
  std::map<tcp::endpoint, target_connections> targets;
};

void bump(std::atomic<std::uint64_t>& counter) noexcept { counter.fetch_add(1, std::memory_order_relaxed); }

}  // namespace

struct relay_pool::impl : std::enable_shared_from_this<relay_pool::impl> {
  impl(shard_pool& s, relay_options o) : shards(s), options(o), pools(s.size()) {}

  shard_pool& shards;
  const relay_options options;
  std::vector<shard_connections> pools;  // [shard]
  std::atomic<std::uint64_t> forwarded{0}, unreachable{0}, busy{0}, failed{0}, connections{0};

  // Takes an idle connection young enough to reuse, closing the older ones; nullptr if none.
  std::unique_ptr<upstream> take_idle(shard_connections::target_connections& target) {
    while (!target.idle.empty()) {
      auto up = std::move(target.idle.back());
      target.idle.pop_back();
      if (clock::now() - up->idle_since <= options.max_idle_age) return up;
      forget(target);
    }
    return nullptr;
  }

  void forget(shard_connections::target_connections& target) noexcept {
    --target.open;
    connections.fetch_sub(1, std::memory_order_relaxed);
  }
};

namespace {

// One request on its way: a connection, the write, the read, and the answer back to `done`.
class forwarding : public std::enable_shared_from_this<forwarding> {
 public:
  forwarding(std::shared_ptr<relay_pool::impl> pool, std::size_t shard, tcp::endpoint target, request req,
             relay_handler done)
      : pool_(std::move(pool)), shard_(shard), target_(target), req_(std::move(req)), done_(std::move(done)) {
    req_.keep_alive(true);
    req_.prepare_payload();
  }

  void start() {
    auto& target = connections();
    if (auto up = pool_->take_idle(target)) {
      up_ = std::move(up);
      reused_ = true;
      return send();
    }
    if (target.open >= pool_->options.max_connections_per_target) {
      bump(pool_->busy);
      return finish(relay_outcome::busy);
    }
    connect();
  }

 private:
  shard_connections::target_connections& connections() { return pool_->pools[shard_].targets[target_]; }

  void connect() {
    ++connections().open;
    pool_->connections.fetch_add(1, std::memory_order_relaxed);
    reused_ = false;
    up_ = std::make_unique<upstream>(pool_->shards.shard(shard_));
    up_->stream.expires_after(pool_->options.connect_timeout);
    up_->stream.async_connect(target_, [self = shared_from_this()](beast::error_code ec) {
      if (!ec) return self->send();
      self->drop_connection();
      bump(self->pool_->unreachable);
      self->finish(relay_outcome::unreachable);
    });
  }

  void send() {
    up_->stream.expires_after(pool_->options.exchange_timeout);
    bh::async_write(up_->stream, req_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->broke();
      self->receive();
    });
  }

  void receive() {
    parser_.emplace();
    parser_->body_limit(pool_->options.max_response_bytes);
    bh::async_read(up_->stream, up_->buffer, *parser_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->broke();
      self->answered();
    });
  }

  void answered() {
    response res = parser_->release();
    if (res.keep_alive() && up_->buffer.size() == 0) {
      auto& target = connections();
      if (target.idle.size() < pool_->options.max_idle_per_target) {
        up_->stream.expires_never();
        up_->idle_since = clock::now();
        target.idle.push_back(std::move(up_));
      }
    }
    if (up_) drop_connection();
    bump(pool_->forwarded);
    finish(relay_outcome::answered, std::move(res));
  }

  // A reused connection that broke before any answer came was likely closed idle by the target:
  // once more on a new one.
  void broke() {
    drop_connection();
    const bool nothing_read = !parser_ || !parser_->got_some();
    if (reused_ && nothing_read) return connect();
    bump(pool_->failed);
    finish(relay_outcome::failed);
  }

  void drop_connection() {
    if (!up_) return;
    beast::error_code ignored;
    up_->stream.socket().close(ignored);
    up_.reset();
    pool_->forget(connections());
  }

  void finish(relay_outcome outcome, response res = {}) {
    if (auto done = std::move(done_)) done(outcome, std::move(res));
  }

  std::shared_ptr<relay_pool::impl> pool_;
  std::size_t shard_;
  tcp::endpoint target_;
  request req_;
  relay_handler done_;
  std::unique_ptr<upstream> up_;
  bool reused_ = false;
  std::optional<bh::response_parser<bh::string_body>> parser_;
};

}  // namespace

relay_pool::relay_pool(shard_pool& shards, relay_options options)
    : impl_(std::make_shared<impl>(shards, options)) {}

relay_pool::~relay_pool() = default;

void relay_pool::forward(std::size_t shard, tcp::endpoint target, request req, relay_handler done) {
  auto op = std::make_shared<forwarding>(impl_, shard, target, std::move(req), std::move(done));
  asio::post(impl_->shards.shard(shard), [op] { op->start(); });
}

relay_stats relay_pool::stats() const noexcept {
  const auto load = [](const std::atomic<std::uint64_t>& a) { return a.load(std::memory_order_relaxed); };
  return {.forwarded = load(impl_->forwarded),
          .unreachable = load(impl_->unreachable),
          .busy = load(impl_->busy),
          .failed = load(impl_->failed),
          .connections = load(impl_->connections)};
}

}  // namespace switchboard::http
