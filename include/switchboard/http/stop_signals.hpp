#pragma once
/// @file
/// SIGINT and SIGTERM, waited for instead of handled: how a server's main thread sleeps until it
/// is asked to stop.
#include <signal.h>

namespace switchboard::http {

/// Blocks SIGINT and SIGTERM in the calling thread when constructed, so that wait() receives them
/// instead of a handler. Threads inherit the mask of the thread that creates them: construct it
/// first in main(), before any server starts a thread, or a thread that does not block them may
/// take the signal and end the process. The mask stays blocked after destruction.
/// Not thread-safe: one controlling thread constructs it and calls wait().
/// @code
/// int main() {
///   switchboard::http::stop_signals stop;  // before any thread starts
///   switchboard::http::server http({.port = 3000});
///   auto io = switchboard::sio::server::attach(http, {});
///   http.start();
///   stop.wait();
///   io->close(std::chrono::seconds(5));  // every client told, and gone or given up on
///   http.stop();
/// }
/// @endcode
class stop_signals {
 public:
  /// Blocks SIGINT and SIGTERM in the calling thread.
  stop_signals();
  stop_signals(const stop_signals&) = delete;
  stop_signals& operator=(const stop_signals&) = delete;

  /// Sleeps until SIGINT or SIGTERM arrives; returns its number.
  int wait() const;

 private:
  sigset_t signals_;
};

}  // namespace switchboard::http
