#pragma once
// N event-loop threads, each with its own io_context: the shard-per-core model of DESIGN.md.
// A connection lives on one shard for its whole life; state of a shard is touched only by its thread.
#include <boost/asio/io_context.hpp>
#include <cstddef>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

namespace switchboard::http {

// Thread-safe: shard(), size() and current_shard() may be called from any thread.
class shard_pool {
 public:
  explicit shard_pool(std::size_t shards);  // 0 means one per core, at most 64
  ~shard_pool();
  shard_pool(const shard_pool&) = delete;
  shard_pool& operator=(const shard_pool&) = delete;

  std::size_t size() const noexcept { return contexts_.size(); }
  boost::asio::io_context& shard(std::size_t index) noexcept { return *contexts_[index]; }

  // The shard whose loop runs the calling thread, if any.
  static std::optional<std::size_t> current_shard() noexcept;

  // Starts one thread per shard; they run until stop().
  void start();
  // Stops every loop and joins the threads. Idempotent.
  void stop();

 private:
  // An io_context whose services can be shut down before any context is destroyed: a handler
  // pending on one shard may own a socket of another (a request handed to its session's shard).
  struct context : boost::asio::io_context {
    using io_context::io_context;
    using io_context::shutdown;
  };
  using work_guard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;
  std::vector<std::unique_ptr<context>> contexts_;
  std::vector<work_guard> guards_;
  std::vector<std::thread> threads_;
};

}  // namespace switchboard::http
