#pragma once
/// @file
/// N event-loop threads, each with its own io_context: the shard-per-core model of DESIGN.md.
/// A connection lives on one shard for its whole life; state of a shard is touched only by its thread.
#include <boost/asio/io_context.hpp>
#include <cstddef>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

namespace switchboard::http {

/// The event loops: one io_context and one thread per shard. Work for a shard is posted to its
/// io_context. Thread-safe: shard(), size() and current_shard() may be called from any thread;
/// start() and stop() from one controlling thread.
class shard_pool {
 public:
  /// Makes `shards` loops (0 means one per core, at most 64); their threads start with start().
  explicit shard_pool(std::size_t shards);
  /// Stops the loops, then destroys every pending handler before any io_context.
  ~shard_pool();
  shard_pool(const shard_pool&) = delete;
  shard_pool& operator=(const shard_pool&) = delete;

  /// The number of shards.
  std::size_t size() const noexcept { return contexts_.size(); }
  /// The io_context of shard `index` (less than size(); not checked).
  boost::asio::io_context& shard(std::size_t index) noexcept { return *contexts_[index]; }

  /// The shard whose loop runs the calling thread, if any.
  static std::optional<std::size_t> current_shard() noexcept;

  /// Starts one thread per shard; they run until stop().
  void start();
  /// Stops every loop and joins the threads. Idempotent. Handlers still queued may not run.
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
