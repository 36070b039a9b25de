#include "switchboard/http/shard_pool.hpp"

#include <algorithm>
#include <boost/asio/ip/tcp.hpp>

namespace switchboard::http {
namespace {
thread_local std::optional<std::size_t> this_shard;
// The default pool on a big machine: the engine names a session's shard in one base64 digit.
constexpr std::size_t max_default_shards = 64;
}

shard_pool::shard_pool(std::size_t shards) {
  if (shards == 0) shards = std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, max_default_shards);
  for (std::size_t i = 0; i < shards; ++i) {
    contexts_.push_back(std::make_unique<context>(1));  // one thread each: no locking
    // Makes the shard's reactor (its epoll, timer and wake-up descriptors) now: made lazily, at
    // the shard's first connection, it could meet a process out of descriptors and throw there.
    boost::asio::ip::tcp::socket reactor_maker(*contexts_.back());
  }
}

// Every context's pending handlers are destroyed while every context's services still exist;
// only then are the contexts themselves destroyed.
shard_pool::~shard_pool() {
  stop();
  for (auto& c : contexts_) c->shutdown();
}

std::optional<std::size_t> shard_pool::current_shard() noexcept { return this_shard; }

void shard_pool::start() {
  for (std::size_t i = 0; i < contexts_.size(); ++i) {
    guards_.emplace_back(contexts_[i]->get_executor());
    threads_.emplace_back([this, i] {
      this_shard = i;
      contexts_[i]->run();
    });
  }
}

void shard_pool::stop() {
  guards_.clear();
  for (auto& context : contexts_) context->stop();
  for (auto& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
  threads_.clear();
}

}  // namespace switchboard::http
