#pragma once
/// @file
/// What the realtime server is configured with: the Socket.IO server's options, how tokens are
/// verified, the guard, the worker pool. Included by whoever attaches the server
/// (realtime::server::attach); module code needs only realtime/server.hpp.
#include <chrono>
#include <cstddef>

#include "switchboard/auth/authenticator.hpp"
#include "switchboard/auth/guard.hpp"
#include "switchboard/sio/server.hpp"

namespace switchboard::realtime {

/// Everything the realtime server is configured with.
struct options {
  sio::options sio;                  ///< Path, CORS, limits: everything of the Socket.IO server.
  auth::authenticator_options auth;  ///< How tokens are verified; its `workers` is set by attach().
  auth::guard_options guard;  ///< User rooms, public namespaces, expiry.
  std::size_t worker_threads = 2;    ///< Blocking work: session lookups, module stores.
  /// How often the session store's revocation log is read: a revoked session's live sockets end
  /// within about this long (with a session store only).
  std::chrono::milliseconds revocation_poll{1000};
};

}  // namespace switchboard::realtime
