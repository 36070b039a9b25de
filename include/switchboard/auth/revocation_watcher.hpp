#pragma once
/// @file
/// Reads a session store's revocation log on the worker pool and hands each new batch of revoked
/// session ids to `on_revoked` (the guard's end_sessions), so that access ends with the session,
/// not with the socket. Thread-safe; stop() before the workers are joined.
#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "switchboard/auth/session_store.hpp"

namespace switchboard::auth {

/// Polls a session store's revocation log and reports each new batch of revoked sessions.
/// Create it with std::make_shared. Thread-safe; stop() before the workers are joined.
class revocation_watcher : public std::enable_shared_from_this<revocation_watcher> {
 public:
  /// Told each new batch of revoked session ids, on a worker thread (the watcher's strand).
  using revoked_handler = std::function<void(const std::vector<std::string>& session_ids)>;

  /// `workers` runs the blocking store calls; the log is read every `interval`.
  revocation_watcher(std::shared_ptr<session_store> store, boost::asio::any_io_executor workers,
                     std::chrono::milliseconds interval, revoked_handler on_revoked);

  /// Starts from the revocations recorded now (a blocking read: call it at start-up): sessions
  /// revoked earlier were refused at connect.
  void start();
  /// Stops polling: no read starts after it (one under way may still report its batch).
  void stop();

  /// Session ids reported since start(). Thread-safe.
  std::uint64_t revoked_total() const noexcept { return revoked_.load(std::memory_order_relaxed); }
  /// Failed reads of the revocation log (each retried at the next tick). Thread-safe.
  std::uint64_t errors_total() const noexcept { return errors_.load(std::memory_order_relaxed); }

 private:
  void schedule();
  void poll();

  std::shared_ptr<session_store> store_;
  boost::asio::steady_timer timer_;  // on a strand of the workers: every step below runs there
  std::chrono::milliseconds interval_;
  revoked_handler on_revoked_;
  std::string cursor_;
  bool have_cursor_ = false;
  std::atomic<bool> stopped_{false};
  std::atomic<std::uint64_t> revoked_{0};
  std::atomic<std::uint64_t> errors_{0};
};

}  // namespace switchboard::auth
