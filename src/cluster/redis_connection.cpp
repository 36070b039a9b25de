#include "switchboard/cluster/redis_connection.hpp"

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <algorithm>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <exception>
#include <iterator>
#include <random>
#include <set>

#include "switchboard/log/log.hpp"

namespace switchboard::cluster {
namespace {

namespace asio = boost::asio;
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

redis_reply to_reply(const redisReply& r) {
  redis_reply out;
  switch (r.type) {
    case REDIS_REPLY_STRING: out.type = redis_reply::kind::string; break;
    case REDIS_REPLY_STATUS: out.type = redis_reply::kind::status; break;
    case REDIS_REPLY_ERROR: out.type = redis_reply::kind::error; break;
    case REDIS_REPLY_INTEGER: out.type = redis_reply::kind::integer; break;
    case REDIS_REPLY_ARRAY: out.type = redis_reply::kind::array; break;
    default: return out;  // nil
  }
  if (r.str != nullptr) out.str.assign(r.str, r.len);
  out.integer = r.integer;
  out.elements.reserve(r.elements);
  for (std::size_t i = 0; i < r.elements; ++i) out.elements.push_back(to_reply(*r.element[i]));
  return out;
}

std::string_view view(const redisReply& r) { return {r.str, r.len}; }

// Handlers run inside hiredis' C frames: an exception must not unwind through them.
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

// One TCP connection: its hiredis context and the descriptor Asio waits on. Each connect
// attempt gets a new link, so a wait that completes after its link is gone finds ctx null.
struct link {
  explicit link(const strand_type& strand) : socket(strand) {}
  redisAsyncContext* ctx = nullptr;
  asio::posix::stream_descriptor socket;  // does not own the fd: hiredis closes it
  bool want_read = false;                 // hiredis' interest (its hooks are level-style)
  bool want_write = false;
  bool reading = false;  // an async_wait is in flight
  bool writing = false;  // a wait or a posted write is in flight
  bool established = false;    // TCP connected: writes no longer wait for writability first
  bool write_blocked = false;  // the kernel took less than all: wait until it has room
  std::string drop_reason;  // set when we drop the link ourselves
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

  // The link is still up here only when the io_context was destroyed without running close():
  // then, as Asio does, pending handlers are destroyed, not called.
  ~impl() {
    if (!link_ || link_->ctx == nullptr) return;
    closed_ = true;
    discard_handlers_ = true;
    redisAsyncFree(link_->ctx);
  }

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

  void subscribe(std::vector<std::string> names, bool patterns) {
    asio::dispatch(strand_, [self = shared_from_this(), names = std::move(names), patterns] {
      auto& known = patterns ? self->patterns_ : self->channels_;
      std::vector<std::string> fresh;
      for (const auto& name : names) {
        if (known.insert(name).second) fresh.push_back(name);
      }
      if (self->ready_ && !fresh.empty()) self->issue_subscribe(patterns ? "PSUBSCRIBE" : "SUBSCRIBE", fresh);
    });
  }

  redis_stats stats() const noexcept {
    return {connected_.load(), errors_.load(), reconnects_.load(), rejected_.load()};
  }
  bool connected() const noexcept { return connected_.load(std::memory_order_relaxed); }

 private:
  // --- connecting -----------------------------------------------------------------------

  // getaddrinfo in hiredis would block the loop: Asio's resolver runs it off the loop thread.
  // Successive attempts take the addresses in turn (localhost may be ::1 first, and Redis
  // listen on 127.0.0.1 only).
  void resolve() {
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(endpoint_.host, ec);
    if (!ec) return connect(address.to_string());
    auto on_resolved = [self = shared_from_this()](boost::system::error_code ec, auto results) {
      if (self->closed_ || ec == asio::error::operation_aborted) return;
      if (ec) return self->link_failed("resolving " + self->endpoint_.host + ": " + ec.message());
      auto chosen = results.begin();
      std::advance(chosen, self->attempt_ % results.size());
      self->connect(chosen->endpoint().address().to_string());
    };
    resolver_.async_resolve(endpoint_.host, std::to_string(endpoint_.port), std::move(on_resolved));
  }

  void connect(const std::string& ip) {
    redisAsyncContext* ctx = redisAsyncConnect(ip.c_str(), endpoint_.port);
    if (ctx == nullptr) return link_failed("out of memory");
    if (ctx->err != 0) {
      std::string reason = ctx->errstr;
      redisAsyncFree(ctx);  // no hooks attached yet: nothing else runs
      return link_failed(reason);
    }
    auto fresh = std::make_shared<link>(strand_);
    boost::system::error_code ec;
    fresh->socket.assign(ctx->c.fd, ec);
    if (ec) {
      redisAsyncFree(ctx);
      return link_failed("watching the socket: " + ec.message());
    }
    fresh->ctx = ctx;
    link_ = fresh;
    attach(ctx);
    start_connect_timer(fresh);
  }

  void attach(redisAsyncContext* ctx) {
    ctx->data = this;
    ctx->ev.data = this;
    ctx->ev.addRead = [](void* p) { static_cast<impl*>(p)->want(&link::want_read, true); };
    ctx->ev.delRead = [](void* p) { static_cast<impl*>(p)->want(&link::want_read, false); };
    ctx->ev.addWrite = [](void* p) { static_cast<impl*>(p)->want(&link::want_write, true); };
    ctx->ev.delWrite = [](void* p) { static_cast<impl*>(p)->want(&link::want_write, false); };
    ctx->ev.cleanup = [](void* p) { static_cast<impl*>(p)->on_cleanup(); };
    // Registers write interest: the first writable event completes the TCP connect.
    redisAsyncSetConnectCallback(ctx, [](const redisAsyncContext* c, int status) {
      if (status == REDIS_OK) static_cast<impl*>(c->data)->on_tcp_connected();
      // A failed connect frees the context next, which reaches on_cleanup.
    });
  }

  // The connect timeout covers the handshake too: a server that accepts and never answers
  // AUTH is as unusable as one that does not accept.
  void start_connect_timer(const std::shared_ptr<link>& l) {
    connect_timer_.expires_after(options_.connect_timeout);
    connect_timer_.async_wait([self = shared_from_this(), l](boost::system::error_code ec) {
      if (ec || self->ready_ || l->ctx == nullptr) return;
      self->drop(*l, "connect timeout");
    });
  }

  // Ready once Redis has answered AUTH, SELECT and PING. Becoming ready from a reply (inside
  // a hiredis callback) also lets the state handler close the connection safely.
  void on_tcp_connected() {
    link_->established = true;
    redisEnableKeepAlive(&link_->ctx->c);  // TCP keepalive (15 s): notices a peer gone without a FIN
    std::vector<std::vector<std::string>> handshake;
    if (!endpoint_.password.empty()) {
      if (endpoint_.username.empty()) handshake.push_back({"AUTH", endpoint_.password});
      else handshake.push_back({"AUTH", endpoint_.username, endpoint_.password});
    }
    if (endpoint_.db != 0) handshake.push_back({"SELECT", std::to_string(endpoint_.db)});
    handshake.push_back({"PING"});
    auto remaining = std::make_shared<std::size_t>(handshake.size());
    for (auto& argv : handshake) {
      issue(argv, [self = shared_from_this(), l = link_, remaining](std::error_code ec, redis_reply reply) {
        if (ec || l->ctx == nullptr) return;  // the link is gone already
        if (reply.is_error()) return self->drop(*l, "handshake: " + reply.str);
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
    if (!patterns_.empty()) issue_subscribe("PSUBSCRIBE", {patterns_.begin(), patterns_.end()});
    if (!channels_.empty()) issue_subscribe("SUBSCRIBE", {channels_.begin(), channels_.end()});
    if (on_state_) invoke_guarded(on_state_, true, std::string_view{});
  }

  // Frees the context now (or, inside a hiredis callback, when it returns); on_cleanup follows.
  void drop(link& l, std::string reason) {
    l.drop_reason = std::move(reason);
    redisAsyncFree(l.ctx);
  }

  // hiredis is freeing the context (error, server gone, failed connect, drop, close): its
  // pending callbacks have run with no reply, the fd is about to be closed.
  void on_cleanup() {
    auto l = std::exchange(link_, nullptr);
    std::string reason = !l->drop_reason.empty() ? l->drop_reason
                         : l->ctx->c.err != 0    ? std::string(l->ctx->c.errstr)
                                                 : "connection closed";
    l->ctx = nullptr;
    l->socket.release();  // cancels the waits; hiredis closes the fd
    ready_ = false;
    connected_ = false;
    connect_timer_.cancel();
    if (!closed_) link_failed(std::move(reason));
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

  // --- readiness: hiredis' hooks onto async_wait -------------------------------------------

  void want(bool link::*direction, bool on) {
    if (!link_) return;
    (*link_).*direction = on;
    arm(link_);
  }

  // Starts the waits hiredis wants and that are not in flight. A wait that completes after
  // hiredis lost interest does nothing.
  void arm(const std::shared_ptr<link>& l) {
    auto self = weak_from_this().lock();  // null while the impl is being destroyed
    if (!self || l->ctx == nullptr) return;
    if (l->want_read && !l->reading) {
      l->reading = true;
      l->socket.async_wait(asio::posix::descriptor_base::wait_read, [self, l](boost::system::error_code ec) {
        l->reading = false;
        if (ec || l->ctx == nullptr || !l->want_read) return;
        redisAsyncHandleRead(l->ctx);
        self->arm(l);
      });
    }
    if (l->want_write && !l->writing) {
      l->writing = true;
      if (l->established && !l->write_blocked) {
        // Posted, not waited for: the commands of every handler queued before it (the requests
        // of one busy loop iteration) go out in one write instead of one write each.
        asio::post(strand_, [self, l] {
          l->writing = false;
          if (l->ctx == nullptr || !l->want_write) return;
          redisAsyncHandleWrite(l->ctx);
          l->write_blocked = l->ctx != nullptr && l->want_write;
          self->arm(l);
        });
        return;
      }
      l->socket.async_wait(asio::posix::descriptor_base::wait_write, [self, l](boost::system::error_code ec) {
        l->writing = false;
        l->write_blocked = false;
        if (ec || l->ctx == nullptr || !l->want_write) return;
        redisAsyncHandleWrite(l->ctx);
        self->arm(l);
      });
    }
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
    issue(argv, std::move(handler));
  }

  // Completion is never inside the call that asked (Asio's rule), so it is posted.
  void fail_later(reply_handler handler, std::error_code ec) {
    if (!handler) return;
    asio::post(strand_, [handler = std::move(handler), ec] { invoke_guarded(handler, ec, redis_reply{}); });
  }

  void issue(const std::vector<std::string>& argv, reply_handler handler) {
    std::vector<const char*> args;
    std::vector<std::size_t> lengths;
    for (const auto& a : argv) {
      args.push_back(a.data());
      lengths.push_back(a.size());
    }
    auto owned = std::make_unique<reply_handler>(std::move(handler));
    if (redisAsyncCommandArgv(link_->ctx, &impl::on_reply, owned.get(), static_cast<int>(args.size()), args.data(),
                              lengths.data()) != REDIS_OK) {
      return fail_later(std::move(*owned), make_error_code(redis_errc::disconnected));
    }
    owned.release();  // hiredis calls on_reply exactly once, with or without a reply
    ++pending_;
  }

  static void on_reply(redisAsyncContext* ctx, void* raw, void* privdata) {
    std::unique_ptr<reply_handler> handler(static_cast<reply_handler*>(privdata));
    auto& self = *static_cast<impl*>(ctx->data);
    --self.pending_;
    if (self.discard_handlers_ || !*handler) return;
    const auto* reply = static_cast<const redisReply*>(raw);
    if (reply == nullptr) {
      return invoke_guarded(*handler, make_error_code(self.closed_ ? redis_errc::closed : redis_errc::disconnected), redis_reply{});
    }
    if (reply->type == REDIS_REPLY_ERROR) ++self.errors_;
    invoke_guarded(*handler, std::error_code{}, to_reply(*reply));
  }

  // --- subscriptions --------------------------------------------------------------------

  void issue_subscribe(const char* verb, const std::vector<std::string>& names) {
    std::vector<const char*> args{verb};
    std::vector<std::size_t> lengths{std::char_traits<char>::length(verb)};
    for (const auto& n : names) {
      args.push_back(n.data());
      lengths.push_back(n.size());
    }
    // hiredis keeps the callback per channel; it runs for each confirmation and message. It
    // refuses only on a dying context, and the next connection subscribes again.
    redisAsyncCommandArgv(link_->ctx, &impl::on_subscription, nullptr, static_cast<int>(args.size()), args.data(),
                          lengths.data());
  }

  static void on_subscription(redisAsyncContext* ctx, void* raw, void*) {
    auto& self = *static_cast<impl*>(ctx->data);
    const auto* r = static_cast<const redisReply*>(raw);
    if (r == nullptr || self.closed_ || !self.on_message_ || r->type != REDIS_REPLY_ARRAY || r->elements < 3) return;
    const std::string_view kind = view(*r->element[0]);
    if (kind == "message") {
      invoke_guarded(self.on_message_, std::string_view{}, view(*r->element[1]), view(*r->element[2]));
    } else if (kind == "pmessage" && r->elements == 4) {
      invoke_guarded(self.on_message_, view(*r->element[1]), view(*r->element[2]), view(*r->element[3]));
    }
  }

  // --- closing --------------------------------------------------------------------------

  void do_close() {
    if (closed_) return;
    closed_ = true;
    resolver_.cancel();
    connect_timer_.cancel();
    backoff_timer_.cancel();
    if (ready_) log::info("redis: closed", {{"redis", endpoint_.address()}});
    if (link_ && link_->ctx != nullptr) redisAsyncFree(link_->ctx);  // pending replies fail with redis_errc::closed
  }

  strand_type strand_;
  const redis_endpoint endpoint_;
  const redis_options options_;
  asio::ip::tcp::resolver resolver_;
  asio::steady_timer connect_timer_;
  asio::steady_timer backoff_timer_;
  std::minstd_rand rng_;

  std::shared_ptr<link> link_;  // the current connection attempt or connection
  std::set<std::string> channels_;
  std::set<std::string> patterns_;
  std::size_t pending_ = 0;
  unsigned attempt_ = 0;  // failed attempts since the last success, for the backoff
  bool started_ = false;
  bool ready_ = false;  // connected and through AUTH/SELECT
  bool closed_ = false;
  bool ever_connected_ = false;
  bool reported_down_ = false;  // warn and call the state handler once per outage
  bool discard_handlers_ = false;

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

void redis_connection::subscribe(std::vector<std::string> channels) { impl_->subscribe(std::move(channels), false); }
void redis_connection::psubscribe(std::vector<std::string> patterns) { impl_->subscribe(std::move(patterns), true); }

redis_stats redis_connection::stats() const noexcept { return impl_->stats(); }
bool redis_connection::connected() const noexcept { return impl_->connected(); }

}  // namespace switchboard::cluster
