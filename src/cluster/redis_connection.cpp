#include "switchboard/cluster/redis_connection.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <algorithm>
#include <array>
#include <boost/asio/connect.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <deque>
#include <exception>
#include <iterator>
#include <random>
#include <set>

#include "resp.hpp"
#include "switchboard/log/log.hpp"

namespace switchboard::cluster {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using strand_type = asio::strand<asio::any_io_executor>;

class redis_error_category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "switchboard.redis"; }
  std::string message(int value) const override {
    switch (static_cast<redis_errc>(value)) {
      case redis_errc::disconnected: return "not connected to Redis";
      case redis_errc::closed: return "the Redis connection was closed";
      case redis_errc::too_many_pending: return "too many Redis commands await their replies";
    }
    return "unknown Redis connection error";
  }
};

// Handlers must not throw; one that does is logged, and the connection goes on.
template <class Handler, class... Args>
void invoke_guarded(const Handler& handler, Args&&... args) noexcept {
  try {
    handler(std::forward<Args>(args)...);
  } catch (const std::exception& e) {
    log::error("redis: a handler threw", {{"error", e.what()}});
  } catch (...) {
    log::error("redis: a handler threw");
  }
}

// One TCP connection attempt or connection. Each attempt gets a new link, so a completion that
// arrives after its link was dropped finds `dropped` set and does nothing.
struct link {
  explicit link(const strand_type& strand) : socket(strand) {}
  tcp::socket socket;
  detail::reply_reader reader;
  std::array<char, 16 * 1024> input{};
  std::string output;     // commands formatted and not yet handed to the kernel
  std::string in_flight;  // what the write in progress sends
  bool writing = false;
  bool flush_posted = false;
  std::deque<reply_handler> replies;  // one per command sent, in order; subscriptions have none
  bool subscribed = false;  // a subscription was sent: message and confirmation arrays are pushes
  bool dropped = false;
};

}  // namespace

const std::error_category& redis_category() noexcept {
  static const redis_error_category category;
  return category;
}

class redis_connection::impl : public std::enable_shared_from_this<impl> {
 public:
  impl(asio::any_io_executor executor, redis_endpoint endpoint, redis_options options)
      : strand_(asio::make_strand(std::move(executor))),
        endpoint_(std::move(endpoint)),
        options_(options),
        resolver_(strand_),
        connect_timer_(strand_),
        backoff_timer_(strand_),
        rng_(std::random_device{}()) {}

  message_handler on_message_;
  state_handler on_state_;

  void start() {
    asio::dispatch(strand_, [self = shared_from_this()] {
      if (self->closed_ || self->started_) return;
      self->started_ = true;
      self->resolve();
    });
  }

  void close() {
    asio::dispatch(strand_, [self = shared_from_this()] { self->do_close(); });
  }

  void command(std::vector<std::string> argv, reply_handler handler) {
    asio::dispatch(strand_,
                   [self = shared_from_this(), argv = std::move(argv), handler = std::move(handler)]() mutable {
                     self->do_command(argv, std::move(handler));
                   });
  }

  enum class family { channels, patterns, shard_channels };

  void subscribe(std::vector<std::string> names, family f) {
    asio::dispatch(strand_, [self = shared_from_this(), names = std::move(names), f] {
      std::vector<std::string> fresh;
      for (auto& name : names) {
        if (self->known(f).insert(name).second) fresh.push_back(std::move(name));
      }
      if (self->ready_ && !fresh.empty()) self->issue_subscription(f, true, fresh);
    });
  }

  void unsubscribe(std::vector<std::string> names, family f) {
    asio::dispatch(strand_, [self = shared_from_this(), names = std::move(names), f] {
      std::vector<std::string> gone;
      for (auto& name : names) {
        if (self->known(f).erase(name) != 0) gone.push_back(std::move(name));
      }
      if (self->ready_ && !gone.empty()) self->issue_subscription(f, false, gone);
    });
  }

  redis_stats stats() const noexcept {
    return {connected_.load(), errors_.load(), reconnects_.load(), rejected_.load()};
  }
  bool connected() const noexcept { return connected_.load(std::memory_order_relaxed); }

 private:
  // --- connecting -----------------------------------------------------------------------

  // Successive attempts take the resolved addresses in turn (localhost may be ::1 first, and
  // Redis listen on 127.0.0.1 only).
  void resolve() {
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(endpoint_.host, ec);
    if (!ec) return connect(address);
    auto on_resolved = [self = shared_from_this()](boost::system::error_code ec, auto results) {
      if (self->closed_ || ec == asio::error::operation_aborted) return;
      if (ec) return self->link_failed("resolving " + self->endpoint_.host + ": " + ec.message());
      auto chosen = results.begin();
      std::advance(chosen, self->attempt_ % results.size());
      self->connect(chosen->endpoint().address());
    };
    resolver_.async_resolve(endpoint_.host, std::to_string(endpoint_.port), std::move(on_resolved));
  }

  void connect(const asio::ip::address& address) {
    auto l = std::make_shared<link>(strand_);
    link_ = l;
    start_connect_timer(l);
    l->socket.async_connect({address, endpoint_.port}, [self = shared_from_this(), l](boost::system::error_code ec) {
      if (l->dropped) return;
      if (ec) return self->drop(l, ec.message());
      self->on_tcp_connected(l);
    });
  }

  // The connect timeout covers the handshake too: a server that accepts and never answers
  // AUTH is as unusable as one that does not accept.
  void start_connect_timer(const std::shared_ptr<link>& l) {
    connect_timer_.expires_after(options_.connect_timeout);
    connect_timer_.async_wait([self = shared_from_this(), l](boost::system::error_code ec) {
      if (ec || self->ready_ || l->dropped) return;
      self->drop(l, "connect timeout");
    });
  }

  // TCP keepalive after 15 s idle, then every 5 s, 3 probes: notices a peer gone without a FIN.
  static void keep_alive(tcp::socket& socket) {
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    socket.set_option(tcp::socket::keep_alive(true), ignored);
    const int fd = socket.native_handle();
    const int idle = 15, interval = 5, count = 3;
    ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
    ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof interval);
    ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof count);
  }

  // Ready once Redis has answered AUTH, SELECT and PING.
  void on_tcp_connected(const std::shared_ptr<link>& l) {
    keep_alive(l->socket);
    read(l);
    std::vector<std::vector<std::string>> handshake;
    if (!endpoint_.password.empty()) {
      if (endpoint_.username.empty()) handshake.push_back({"AUTH", endpoint_.password});
      else handshake.push_back({"AUTH", endpoint_.username, endpoint_.password});
    }
    if (endpoint_.db != 0) handshake.push_back({"SELECT", std::to_string(endpoint_.db)});
    handshake.push_back({"PING"});
    auto remaining = std::make_shared<std::size_t>(handshake.size());
    for (auto& argv : handshake) {
      issue(l, argv, [self = shared_from_this(), l, remaining](std::error_code ec, redis_reply reply) {
        if (ec || l->dropped) return;
        if (reply.is_error()) return self->drop(l, "handshake: " + reply.str);
        if (--*remaining == 0) self->become_ready();
      });
    }
  }

  void become_ready() {
    connect_timer_.cancel();
    ready_ = true;
    connected_ = true;
    attempt_ = 0;
    if (ever_connected_) ++reconnects_;
    log::info(ever_connected_ ? "redis: reconnected" : "redis: connected", {{"redis", endpoint_.address()}});
    ever_connected_ = true;
    reported_down_ = false;
    // Patterns first, as the adapter subscribes: once a node's request channel is seen subscribed,
    // its broadcast pattern is too.
    for (const auto f : {family::patterns, family::channels, family::shard_channels}) {
      if (!known(f).empty()) issue_subscription(f, true, {known(f).begin(), known(f).end()});
    }
    if (on_state_) invoke_guarded(on_state_, true, std::string_view{});
  }

  // Ends the link: its socket closes, the replies it awaits fail, and unless close() was
  // called, a new attempt follows the backoff.
  void drop(std::shared_ptr<link> l, std::string reason) {  // by value: `l` may be link_ itself
    if (l->dropped) return;
    l->dropped = true;
    if (link_ == l) link_.reset();
    boost::system::error_code ignored;
    l->socket.close(ignored);
    const bool was_ready = ready_;
    ready_ = false;
    connected_ = false;
    connect_timer_.cancel();
    auto waiting = std::exchange(l->replies, {});
    pending_ -= waiting.size();
    const auto ec = make_error_code(closed_ ? redis_errc::closed : redis_errc::disconnected);
    for (auto& handler : waiting) {
      if (handler) invoke_guarded(handler, ec, redis_reply{});
    }
    if (closed_) {
      if (was_ready) log::info("redis: closed", {{"redis", endpoint_.address()}});
      return;
    }
    link_failed(std::move(reason));
  }

  // A connect attempt failed or the connection was lost: count it, report the outage once,
  // try again after the backoff.
  void link_failed(std::string reason) {
    ++errors_;
    if (!reported_down_) {
      reported_down_ = true;
      log::warn(ever_connected_ ? "redis: connection lost" : "redis: cannot connect",
                {{"redis", endpoint_.address()}, {"error", reason}});
      if (on_state_) invoke_guarded(on_state_, false, std::string_view{reason});
    } else {
      log::debug("redis: reconnect failed", {{"redis", endpoint_.address()}, {"error", reason}});
    }
    if (closed_) return;  // the state handler may have closed us
    backoff_timer_.expires_after(next_backoff());
    backoff_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (!ec && !self->closed_) self->resolve();
    });
  }

  // Exponential, with "equal jitter": half the delay fixed, half random, so that many nodes
  // losing the same Redis do not come back in step.
  std::chrono::milliseconds next_backoff() {
    const auto shift = std::min(attempt_++, 16u);
    const std::chrono::milliseconds doubled = options_.backoff_min * (1LL << shift);
    const auto ceiling = std::min(options_.backoff_max, doubled);
    std::uniform_int_distribution<long long> half(0, ceiling.count() / 2);
    return std::chrono::milliseconds(ceiling.count() - ceiling.count() / 2 + half(rng_));
  }

  // --- reading --------------------------------------------------------------------------

  void read(const std::shared_ptr<link>& l) {
    l->socket.async_read_some(asio::buffer(l->input), [self = shared_from_this(), l](boost::system::error_code ec,
                                                                                      std::size_t n) {
      if (l->dropped) return;
      if (ec) return self->drop(l, ec == asio::error::eof ? "connection closed by Redis" : ec.message());
      l->reader.feed({l->input.data(), n});
      redis_reply reply;
      while (!l->dropped) {
        const auto status = l->reader.next(reply);
        if (status == detail::reply_reader::status::more) break;
        if (status == detail::reply_reader::status::error) return self->drop(l, "protocol error: " + l->reader.error());
        self->on_reply(l, std::move(reply));
      }
      if (!l->dropped) self->read(l);
    });
  }

  void on_reply(const std::shared_ptr<link>& l, redis_reply reply) {
    detail::push message;
    if (l->subscribed && detail::as_push(reply, message)) return on_push(message);
    if (l->replies.empty()) {
      if (l->subscribed && reply.is_error()) {  // a subscription refused: they get no handler
        ++errors_;
        return log::warn("redis: subscription refused", {{"redis", endpoint_.address()}, {"error", reply.str}});
      }
      return drop(l, "a reply to no command");
    }
    auto handler = std::move(l->replies.front());
    l->replies.pop_front();
    --pending_;
    if (reply.is_error()) ++errors_;
    if (handler) invoke_guarded(handler, std::error_code{}, std::move(reply));
  }

  void on_push(const detail::push& message) {
    if (closed_ || !on_message_ || message.kind.ends_with("subscribe")) return;
    invoke_guarded(on_message_, message.pattern, message.channel, message.payload);
  }

  // --- writing --------------------------------------------------------------------------

  void issue(const std::shared_ptr<link>& l, const std::vector<std::string>& argv, reply_handler handler) {
    l->output += detail::format_command(argv);
    l->replies.push_back(std::move(handler));
    ++pending_;
    schedule_flush(l);
  }

  // Posted, not written at once: the commands of every handler queued before it (the requests
  // of one busy loop iteration) go out in one write instead of one write each.
  void schedule_flush(const std::shared_ptr<link>& l) {
    if (l->writing || l->flush_posted) return;
    l->flush_posted = true;
    asio::post(strand_, [self = shared_from_this(), l] { self->flush(l); });
  }

  void flush(const std::shared_ptr<link>& l) {
    l->flush_posted = false;
    if (l->dropped || l->writing || l->output.empty()) return;
    l->writing = true;
    l->in_flight.swap(l->output);
    asio::async_write(l->socket, asio::buffer(l->in_flight),
                      [self = shared_from_this(), l](boost::system::error_code ec, std::size_t) {
                        l->writing = false;
                        l->in_flight.clear();
                        if (l->dropped) return;
                        if (ec) return self->drop(l, ec.message());
                        self->flush(l);
                      });
  }

  // --- commands -------------------------------------------------------------------------

  void do_command(const std::vector<std::string>& argv, reply_handler handler) {
    if (argv.empty()) {  // Redis would send no reply, and every later reply would go to the wrong handler
      ++rejected_;
      return fail_later(std::move(handler), std::make_error_code(std::errc::invalid_argument));
    }
    if (!ready_ || pending_ >= options_.max_pending) {
      ++rejected_;
      return fail_later(std::move(handler), make_error_code(closed_ ? redis_errc::closed
                                                            : ready_  ? redis_errc::too_many_pending
                                                                      : redis_errc::disconnected));
    }
    issue(link_, argv, std::move(handler));
  }

  // Completion is never inside the call that asked (Asio's rule), so it is posted.
  void fail_later(reply_handler handler, std::error_code ec) {
    if (!handler) return;
    asio::post(strand_, [handler = std::move(handler), ec] { invoke_guarded(handler, ec, redis_reply{}); });
  }

  // --- subscriptions --------------------------------------------------------------------

  static const char* verb(family f, bool on) {
    switch (f) {
      case family::channels: return on ? "SUBSCRIBE" : "UNSUBSCRIBE";
      case family::patterns: return on ? "PSUBSCRIBE" : "PUNSUBSCRIBE";
      case family::shard_channels: return on ? "SSUBSCRIBE" : "SUNSUBSCRIBE";
    }
    return "";
  }

  std::set<std::string>& known(family f) {
    switch (f) {
      case family::channels: return channels_;
      case family::patterns: return patterns_;
      case family::shard_channels: return shard_channels_;
    }
    return channels_;
  }

  // Confirmations and messages come back as pushes, not as replies to a handler. Shard channels
  // go one per command: a Redis Cluster refuses channels of several slots in one (CROSSSLOT).
  void issue_subscription(family f, bool on, const std::vector<std::string>& names) {
    const char* name = verb(f, on);
    if (f == family::shard_channels) {
      for (const auto& channel : names) link_->output += detail::format_command({name, channel});
    } else {
      std::vector<std::string> argv{name};
      argv.insert(argv.end(), names.begin(), names.end());
      link_->output += detail::format_command(argv);
    }
    link_->subscribed = true;
    schedule_flush(link_);
  }

  // --- closing --------------------------------------------------------------------------

  void do_close() {
    if (closed_) return;
    closed_ = true;
    resolver_.cancel();
    connect_timer_.cancel();
    backoff_timer_.cancel();
    if (link_) drop(link_, "closed");  // pending replies fail with redis_errc::closed
  }

  strand_type strand_;
  const redis_endpoint endpoint_;
  const redis_options options_;
  tcp::resolver resolver_;
  asio::steady_timer connect_timer_;
  asio::steady_timer backoff_timer_;
  std::minstd_rand rng_;

  std::shared_ptr<link> link_;  // the current connection attempt or connection
  std::set<std::string> channels_;
  std::set<std::string> patterns_;
  std::set<std::string> shard_channels_;
  std::size_t pending_ = 0;  // replies awaited, over the current link
  unsigned attempt_ = 0;     // failed attempts since the last success, for the backoff
  bool started_ = false;
  bool ready_ = false;  // connected and through AUTH/SELECT
  bool closed_ = false;
  bool ever_connected_ = false;
  bool reported_down_ = false;  // warn and call the state handler once per outage

  std::atomic<bool> connected_{false};
  std::atomic<std::uint64_t> errors_{0};
  std::atomic<std::uint64_t> reconnects_{0};
  std::atomic<std::uint64_t> rejected_{0};
};

redis_connection::redis_connection(boost::asio::any_io_executor executor, redis_endpoint endpoint,
                                   redis_options options)
    : impl_(std::make_shared<impl>(std::move(executor), std::move(endpoint), options)) {}

redis_connection::~redis_connection() { impl_->close(); }

void redis_connection::on_message(message_handler handler) { impl_->on_message_ = std::move(handler); }
void redis_connection::on_state(state_handler handler) { impl_->on_state_ = std::move(handler); }
void redis_connection::start() { impl_->start(); }
void redis_connection::close() { impl_->close(); }

void redis_connection::command(std::vector<std::string> argv, reply_handler handler) {
  impl_->command(std::move(argv), std::move(handler));
}

void redis_connection::publish(std::string channel, std::string payload, reply_handler handler) {
  impl_->command({"PUBLISH", std::move(channel), std::move(payload)}, std::move(handler));
}

void redis_connection::spublish(std::string channel, std::string payload, reply_handler handler) {
  impl_->command({"SPUBLISH", std::move(channel), std::move(payload)}, std::move(handler));
}

void redis_connection::subscribe(std::vector<std::string> channels) {
  impl_->subscribe(std::move(channels), impl::family::channels);
}
void redis_connection::psubscribe(std::vector<std::string> patterns) {
  impl_->subscribe(std::move(patterns), impl::family::patterns);
}
void redis_connection::ssubscribe(std::vector<std::string> channels) {
  impl_->subscribe(std::move(channels), impl::family::shard_channels);
}
void redis_connection::sunsubscribe(std::vector<std::string> channels) {
  impl_->unsubscribe(std::move(channels), impl::family::shard_channels);
}

redis_stats redis_connection::stats() const noexcept { return impl_->stats(); }
bool redis_connection::connected() const noexcept { return impl_->connected(); }

}  // namespace switchboard::cluster
