#pragma once
// An in-process http::server (port 0) with an engine::server mounted at /engine.io/, a handler
// that records what happens, and blocking raw clients that give up after 10 s.
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "../../support/eventually.hpp"
#include "switchboard/engine/server.hpp"
#include "switchboard/http/server.hpp"

namespace engine_test {

namespace sb = switchboard;

// Thread-safe: the engine calls it on the shards, the test reads it from its own thread. It holds
// sessions weakly, so that it never keeps one (or, through it, the server) alive.
class recording_handler final : public sb::engine::handler {
 public:
  struct closed {
    std::string id;
    std::string reason;
  };

  void on_open(const sb::engine::session_ptr& s) override;
  void on_message(const sb::engine::session_ptr& s, bool binary, std::string data) override;
  void on_close(const sb::engine::session_ptr& s, std::string_view reason) override;

  // Runs on each new session, on its shard, before anything else sees it.
  std::function<void(const sb::engine::session_ptr&)> on_open_hook;

  std::vector<std::weak_ptr<sb::engine::session>> opened() const;
  std::vector<closed> closes() const;
  std::vector<std::string> messages() const;  // every session's, in order
  std::weak_ptr<sb::engine::session> find(const std::string& id) const;

 private:
  mutable std::mutex mutex_;
  std::vector<std::weak_ptr<sb::engine::session>> opened_;
  std::vector<closed> closes_;
  std::vector<std::string> messages_;
};

using switchboard::test::eventually;

// Runs `work` on the session's shard and waits (10 s at most) for its result.
template <class Result>
Result on_shard(const sb::engine::session_ptr& s, std::function<Result()> work) {
  auto task = std::make_shared<std::packaged_task<Result()>>(std::move(work));
  auto result = task->get_future();
  boost::asio::post(s->executor(), [task] { (*task)(); });
  if (result.wait_for(std::chrono::seconds(10)) != std::future_status::ready) throw std::runtime_error("shard timeout");
  return result.get();
}

class engine_fixture {
 public:
  explicit engine_fixture(sb::engine::options options, std::size_t threads = 1);
  ~engine_fixture();

  std::uint16_t port() const { return http_->port(); }
  sb::engine::server& engine() { return *engine_; }
  recording_handler& handler() { return *handler_; }
  // Stops and destroys the HTTP server and drops the fixture's references to the engine.
  void destroy();
  std::weak_ptr<sb::engine::server> weak_engine() const { return engine_; }

 private:
  std::shared_ptr<recording_handler> handler_ = std::make_shared<recording_handler>();
  std::unique_ptr<sb::http::server> http_;
  std::shared_ptr<sb::engine::server> engine_;
};

// Closes a socket (waking a blocked read or write) if the test has not finished with it in time.
class watchdog {
 public:
  explicit watchdog(boost::asio::ip::tcp::socket& socket, std::chrono::seconds timeout = std::chrono::seconds(10));
  ~watchdog();

 private:
  std::mutex mutex_;
  std::condition_variable done_cv_;
  bool done_ = false;
  std::thread thread_;
};

struct http_answer {
  unsigned status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  bool has(const std::string& name) const { return headers.count(name) != 0; }
};

// One request on a new connection.
http_answer request(std::uint16_t port, const std::string& method, const std::string& target,
                    const std::map<std::string, std::string>& headers = {}, const std::string& body = {});

// A polling handshake's session id, or empty with the refusal in `refused`.
std::string open_polling(std::uint16_t port, const std::map<std::string, std::string>& headers = {},
                         http_answer* refused = nullptr);

using websocket = boost::beast::websocket::stream<boost::asio::ip::tcp::socket>;

// A connected WebSocket on `target`; throws if the upgrade is refused.
std::unique_ptr<websocket> open_websocket(boost::asio::io_context& ioc, std::uint16_t port, const std::string& target,
                                          const std::map<std::string, std::string>& headers = {});

}  // namespace engine_test
