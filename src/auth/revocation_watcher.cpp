#include "switchboard/auth/revocation_watcher.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include "switchboard/log/sampled.hpp"

namespace switchboard::auth {

revocation_watcher::revocation_watcher(std::shared_ptr<session_store> store, boost::asio::any_io_executor workers,
                                       std::chrono::milliseconds interval, revoked_handler on_revoked)
    : store_(std::move(store)), timer_(boost::asio::make_strand(workers)), interval_(interval), on_revoked_(std::move(on_revoked)) {}

// The head is read here, on the caller's thread (start-up), so that "from now" means now; if the
// store cannot answer yet, the first tick reads it.
void revocation_watcher::start() {
  have_cursor_ = !store_->revocation_head(cursor_);
  boost::asio::post(timer_.get_executor(), [self = shared_from_this()] { self->schedule(); });
}

void revocation_watcher::stop() {
  stopped_.store(true);
  boost::asio::post(timer_.get_executor(), [self = shared_from_this()] { self->timer_.cancel(); });
}

void revocation_watcher::schedule() {
  if (stopped_.load()) return;
  timer_.expires_after(interval_);
  timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (!ec) self->poll();
  });
}

// On the watcher's strand of the workers: the store calls block. A failed read is retried at the next tick, from the same place.
void revocation_watcher::poll() {
  if (stopped_.load()) return;
  std::error_code ec;
  if (!have_cursor_) {
    ec = store_->revocation_head(cursor_);
    have_cursor_ = !ec;
  } else {
    std::vector<std::string> ids;
    ec = store_->revoked_after(cursor_, ids);
    if (!ec && !ids.empty()) {
      revoked_.fetch_add(ids.size(), std::memory_order_relaxed);
      on_revoked_(ids);
    }
  }
  if (ec) {
    errors_.fetch_add(1, std::memory_order_relaxed);
    log::warn_sampled("revocation watcher", "cannot read session revocations", {{"error", ec.message()}});
  }
  schedule();
}

}  // namespace switchboard::auth
