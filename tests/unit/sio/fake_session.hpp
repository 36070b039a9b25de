#pragma once
// A fake Engine.IO session for driving sio::server through its engine::handler interface: it
// records what is sent, and can overflow like the real queue (closing from inside send()).
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "switchboard/engine/options.hpp"
#include "switchboard/engine/session.hpp"
#include "switchboard/http/shard_pool.hpp"

namespace switchboard::sio::testing {

// Lives on its shard, like a real one; the test thread runs the shards.
class fake_session final : public engine::session, public std::enable_shared_from_this<fake_session> {
 public:
  fake_session(std::string id, std::size_t shard, boost::asio::io_context& ctx, engine::handler& h)
      : id_(std::move(id)), shard_(shard), executor_(ctx.get_executor()), handler_(h) {}

  // Sends beyond `capacity` overflow with `policy`: close ends the session from inside send().
  void limit(std::size_t capacity, engine::overflow_policy policy) {
    capacity_ = capacity;
    policy_ = policy;
  }

  engine::send_status send(wire::frame_ptr frame, bool is_volatile = false) override {
    if (!open_) return engine::send_status::closed;
    if (capacity_ && sent_.size() >= *capacity_) {
      if (is_volatile || policy_ == engine::overflow_policy::drop) return engine::send_status::dropped;
      end("queue overflow");
      return engine::send_status::closed;
    }
    sent_.push_back(std::move(frame));
    return engine::send_status::queued;
  }
  void close(std::string_view reason) override { end(reason); }

  const std::string& id() const noexcept override { return id_; }
  std::size_t shard() const noexcept override { return shard_; }
  boost::asio::any_io_executor executor() const override { return executor_; }
  engine::transport_kind transport() const noexcept override { return engine::transport_kind::websocket; }
  bool is_open() const noexcept override { return open_; }
  const engine::handshake_request& handshake() const noexcept override { return request_; }
  const boost::asio::ip::tcp::endpoint& remote() const noexcept override { return remote_; }

  // Each Socket.IO packet sent, as text without the Engine.IO "4" (binary attachments skipped).
  std::vector<std::string> packets() const {
    std::vector<std::string> out;
    for (const auto& f : sent_) {
      for (const auto& m : f->websocket_messages()) {
        if (!m.binary) out.push_back(m.bytes.substr(1));
      }
    }
    return out;
  }
  std::size_t count(std::string_view prefix) const {
    std::size_t n = 0;
    for (const auto& p : packets()) n += p.starts_with(prefix) ? 1 : 0;
    return n;
  }
  const std::string& close_reason() const noexcept { return reason_; }

 private:
  void end(std::string_view reason) {
    if (!open_) return;
    open_ = false;
    reason_ = std::string(reason);
    handler_.on_close(shared_from_this(), reason_);
  }

  std::string id_;
  std::size_t shard_;
  boost::asio::any_io_executor executor_;
  engine::handler& handler_;
  std::optional<std::size_t> capacity_;
  engine::overflow_policy policy_ = engine::overflow_policy::close;
  std::vector<wire::frame_ptr> sent_;
  bool open_ = true;
  std::string reason_;
  engine::handshake_request request_;
  boost::asio::ip::tcp::endpoint remote_;
};

// Runs every shard of `pool` on this thread until `done()` holds or 10 s pass.
inline bool run_until(http::shard_pool& pool, const std::function<bool()>& done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    for (std::size_t i = 0; i < pool.size(); ++i) {
      auto& ctx = pool.shard(i);
      ctx.restart();
      ctx.run_one_for(std::chrono::milliseconds(1));
      ctx.restart();
      ctx.poll();
    }
  }
  return true;
}

// Runs every shard until none has a handler ready (timers not yet due are left).
inline void drain(http::shard_pool& pool) {
  for (std::size_t ran = 1; ran != 0;) {
    ran = 0;
    for (std::size_t i = 0; i < pool.size(); ++i) {
      pool.shard(i).restart();
      ran += pool.shard(i).poll();
    }
  }
}

}  // namespace switchboard::sio::testing
