#pragma once
// What the Redis adapter tests share: a fake local adapter that keeps sockets in memory and
// records what it was asked, and a fixture with a real redis-server, an io_context on its own
// thread, and nodes (redis_cluster objects) made on demand.
#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json.hpp>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "../../support/eventually.hpp"
#include "../../support/redis_server.hpp"
#include "switchboard/cluster/redis_adapter.hpp"
#include "switchboard/sio/server.hpp"

namespace switchboard::test {

namespace asio = boost::asio;
namespace json = boost::json;
namespace cluster = switchboard::cluster;
namespace sio = switchboard::sio;
namespace wire = switchboard::wire;
using namespace std::chrono_literals;

// ---- a local adapter that records ----

struct recorded {
  wire::sio::packet packet;
  std::vector<wire::frame::message> messages;  // the frame, as a WebSocket sends it
  sio::broadcast_target target;
  bool with_ack = false;
};

class fake_local final : public sio::adapter {
 public:
  explicit fake_local(asio::io_context& io) : io_(io) {}

  // A socket in its own room and `rooms`; it answers a broadcast with ack with `answer` (if any).
  void add_socket(const std::string& id, std::set<std::string> rooms = {},
                  std::optional<json::value> answer = json::value("ok")) {
    const std::lock_guard lock(mutex_);
    rooms.insert(id);
    sockets_[id] = {std::move(rooms), std::move(answer)};
  }
  std::vector<recorded> broadcasts() const {
    const std::lock_guard lock(mutex_);
    return broadcasts_;
  }
  std::optional<std::set<std::string>> rooms_of(const std::string& id) const {
    const std::lock_guard lock(mutex_);
    const auto it = sockets_.find(id);
    if (it == sockets_.end()) return std::nullopt;
    return it->second.rooms;
  }
  int calls(const std::string& what) const {
    const std::lock_guard lock(mutex_);
    const auto it = calls_.find(what);
    return it == calls_.end() ? 0 : it->second;
  }

  std::error_code broadcast(const wire::sio::packet& packet, wire::frame_ptr frame, const sio::broadcast_target& target,
                            sio::delivered_callback delivered) override {
    std::size_t n = 0;
    {
      const std::lock_guard lock(mutex_);
      broadcasts_.push_back({packet, {frame->websocket_messages().begin(), frame->websocket_messages().end()}, target});
      n = matching(target).size();
    }
    if (delivered) asio::post(io_, [delivered, n] { delivered(n); });
    return {};
  }

  void broadcast_with_ack(const wire::sio::packet& packet, wire::frame_ptr frame, std::uint64_t,
                          const sio::broadcast_target& target, sio::broadcast_ack_callback done,
                          sio::broadcast_ack_progress progress) override {
    std::vector<sio::arguments> answers;
    bool all = true;
    std::size_t asked = 0;
    {
      const std::lock_guard lock(mutex_);
      broadcasts_.push_back(
          {packet, {frame->websocket_messages().begin(), frame->websocket_messages().end()}, target, true});
      asked = matching(target).size();
      for (const auto& id : matching(target)) {
        const auto& answer = sockets_.at(id).answer;
        if (!answer) {
          all = false;
          continue;
        }
        sio::arguments a;
        a.values.push_back(*answer);
        answers.push_back(std::move(a));
      }
    }
    // As sio's local adapter reports: the count, then each answer, then the end.
    asio::post(io_, [progress, asked, answers] {
      if (progress.counted) progress.counted(asked);
      if (progress.answered) {
        for (const auto& a : answers) progress.answered(a);
      }
    });
    if (all) {
      asio::post(io_, [done, answers = std::move(answers)]() mutable { done({}, std::move(answers)); });
      return;
    }
    auto timer = std::make_shared<asio::steady_timer>(io_, target.flags.timeout);
    timer->async_wait([timer, done, answers = std::move(answers)](boost::system::error_code) mutable {
      done(sio::errc::ack_timeout, std::move(answers));
    });
  }

  void fetch_sockets(const sio::broadcast_target& target, std::function<void(std::vector<sio::socket_info>)> done) override {
    std::vector<sio::socket_info> found;
    {
      const std::lock_guard lock(mutex_);
      ++calls_["fetch"];
      for (const auto& id : matching(target)) found.push_back({id, sockets_.at(id).rooms, {{"node", "x"}}});
    }
    asio::post(io_, [done, found = std::move(found)]() mutable { done(std::move(found)); });
  }

  void add_sockets(const sio::broadcast_target& target, std::string room) override {
    const std::lock_guard lock(mutex_);
    ++calls_["join"];
    for (const auto& id : matching(target)) sockets_.at(id).rooms.insert(room);
  }
  void del_sockets(const sio::broadcast_target& target, std::string room) override {
    const std::lock_guard lock(mutex_);
    ++calls_["leave"];
    for (const auto& id : matching(target)) sockets_.at(id).rooms.erase(room);
  }
  void disconnect_sockets(const sio::broadcast_target& target, bool) override {
    const std::lock_guard lock(mutex_);
    ++calls_["disconnect"];
    for (const auto& id : matching(target)) sockets_.erase(id);
  }
  void counts(std::function<void(std::size_t, std::size_t)> done) override { done(sockets_.size(), 0); }
  void room_names(std::function<void(std::set<std::string>)> done) override {
    std::set<std::string> rooms;
    {
      const std::lock_guard lock(mutex_);
      for (const auto& [id, s] : sockets_) rooms.insert(s.rooms.begin(), s.rooms.end());
    }
    asio::post(io_, [done, rooms = std::move(rooms)]() mutable { done(std::move(rooms)); });
  }

 private:
  struct fake_socket {
    std::set<std::string> rooms;
    std::optional<json::value> answer;
  };

  std::vector<std::string> matching(const sio::broadcast_target& t) const {
    std::vector<std::string> out;
    for (const auto& [id, s] : sockets_) {
      const auto& socket_rooms = s.rooms;  // clang 14 cannot capture a structured binding
      const auto in = [&](const std::set<std::string>& rooms) {
        for (const auto& r : rooms) {
          if (socket_rooms.contains(r)) return true;
        }
        return false;
      };
      if ((t.rooms.empty() || in(t.rooms)) && !in(t.except)) out.push_back(id);
    }
    return out;
  }

  asio::io_context& io_;
  mutable std::mutex mutex_;
  std::map<std::string, fake_socket> sockets_;
  std::vector<recorded> broadcasts_;
  std::map<std::string, int> calls_;
};

// What a node's server-side emit handler saw ("<nsp>[event,...]"); it answers "pong" when asked.
struct server_side_emits {
  void answer_on(cluster::redis_cluster& node) {
    node.on_server_side_emit([this](const std::string& nsp, json::array data, cluster::server_side_emit_reply reply) {
      {
        const std::lock_guard lock(mutex);
        seen.push_back(nsp + json::serialize(data));
      }
      if (reply) reply(json::value("pong"));
    });
  }
  std::vector<std::string> list() {
    const std::lock_guard lock(mutex);
    return seen;
  }
  std::mutex mutex;
  std::vector<std::string> seen;
};

// One process's cluster with one namespace.
struct test_node {
  std::unique_ptr<cluster::redis_cluster> cluster;
  fake_local* local = nullptr;  // owned by adapter
  std::unique_ptr<sio::adapter> adapter;
};

inline wire::sio::packet event(json::array data, std::string nsp = "/") {
  wire::sio::packet p;
  p.nsp = std::move(nsp);
  p.data = json::value(std::move(data));
  return p;
}

inline wire::frame_ptr frame_of(const wire::sio::packet& p) {
  wire::frame_ptr f;
  EXPECT_FALSE(wire::sio::encode_frame(p, f));
  return f;
}

class RedisAdapter : public ::testing::Test {
 protected:
  RedisAdapter() : work_(asio::make_work_guard(io_)), thread_([this] { io_.run(); }) {
    probe_ = std::make_unique<cluster::redis_connection>(io_.get_executor(), endpoint());
    probe_->start();
  }
  ~RedisAdapter() override {
    probe_.reset();
    work_.reset();
    io_.stop();
    thread_.join();
  }

  cluster::redis_endpoint endpoint() const { return {.host = "127.0.0.1", .port = static_cast<std::uint16_t>(redis_.port())}; }

  test_node make_node(const std::string& nsp = "/", cluster::redis_adapter_options options = {}) {
    options.redis.backoff_max = 200ms;
    test_node n;
    n.cluster = std::make_unique<cluster::redis_cluster>(io_.get_executor(), endpoint(), options);
    auto local = std::make_unique<fake_local>(io_);
    n.local = local.get();
    n.adapter = n.cluster->make_factory()(nsp, std::move(local));
    n.cluster->start();
    return n;
  }

  cluster::redis_reply command(std::vector<std::string> argv) {
    auto promise = std::make_shared<std::promise<cluster::redis_reply>>();
    auto future = promise->get_future();
    probe_->command(std::move(argv), [promise](std::error_code, cluster::redis_reply r) { promise->set_value(std::move(r)); });
    if (future.wait_for(5s) != std::future_status::ready) return {};
    return future.get();
  }

  // Sums of sub= and psub= over every pub/sub client of the server.
  std::pair<long, long> subscriptions() {
    const auto list = command({"CLIENT", "LIST", "TYPE", "pubsub"});
    long sub = 0;
    long psub = 0;
    std::istringstream lines(list.str);
    std::string word;
    while (lines >> word) {
      if (word.starts_with("sub=")) sub += std::stol(word.substr(4));
      if (word.starts_with("psub=")) psub += std::stol(word.substr(5));
    }
    return {sub, psub};
  }

  // The sum of ssub= (sharded channels) over every pub/sub client of the server.
  long shard_subscriptions() {
    const auto list = command({"CLIENT", "LIST", "TYPE", "pubsub"});
    long ssub = 0;
    std::istringstream lines(list.str);
    std::string word;
    while (lines >> word) {
      if (word.starts_with("ssub=")) ssub += std::stol(word.substr(5));
    }
    return ssub;
  }

  // Every node subscribed: 3 channels and 1 pattern per namespace node.
  void wait_subscribed(long nodes, long extra_sub = 0, long extra_psub = 0) {
    ASSERT_TRUE(eventually([&] { return probe_->stats().connected; }));
    ASSERT_TRUE(eventually([&] {
      return subscriptions() == std::pair<long, long>{3 * nodes + extra_sub, nodes + extra_psub};
    })) << subscriptions().first << " " << subscriptions().second;
  }

  test_support::redis_server redis_;
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::thread thread_;
  std::unique_ptr<cluster::redis_connection> probe_;
};

}  // namespace switchboard::test
