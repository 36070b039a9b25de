#pragma once
/// @file
/// The server side of the official Socket.IO Admin UI (`@socket.io/admin-ui` 0.5): what Node's
/// `instrument(io, options)` installs, for a switchboard server.
#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "switchboard/sio/server.hpp"

/// The Admin UI's server side: the admin namespace, its login, its events and its actions.
namespace switchboard::admin {

/// What the UI is told: `development` reports every socket, room and event; `production` only
/// the server's statistics (as the reference's `mode`).
enum class mode { development, production };

/// How the admin namespace is set up.
struct options {
  /// The namespace the UI connects to.
  std::string namespace_name = "/admin";
  /// Basic authentication: the UI's login form sends these. Both empty: no login at all (the
  /// application decides where that is safe; the switchboard binary allows it on loopback only).
  std::string username;
  /// A bcrypt hash ($2a$, $2b$ or $2y$) of the password.
  std::string password_hash;
  /// No actions (join, leave, disconnect): the UI only watches.
  bool read_only = false;
  /// What the UI is told.
  admin::mode mode = mode::development;
  /// How this node is named in the UI; every node of a cluster needs its own. Empty: host name#pid.
  std::string server_id;
  /// How often this node sends its statistics (the UI marks a node gone after 10 s without).
  std::chrono::milliseconds stats_interval{2000};
  /// Socket, room and event reports per second, over every namespace (development mode); the
  /// rest is dropped and counted, so that a busy server does not drown its dashboard.
  std::uint32_t max_reports_per_second = 500;
  /// Largest event arguments reported, in bytes (their JSON text plus their binaries); larger
  /// ones are reported by name only.
  std::size_t max_report_bytes = 16 * 1024;
  /// Logins remembered (the UI reconnects with its session id); the oldest goes first.
  std::size_t max_sessions = 1000;
  /// How long a login session id stays valid.
  std::chrono::seconds session_ttl{24 * 3600};
  /// Password checks waiting for a worker; more attempts at once are refused ("too many login
  /// attempts"): bcrypt is slow on purpose, and a flood must not queue without bound.
  std::size_t max_pending_logins = 8;
};

/// What the instrumentation has done since it started. Thread-safe snapshot.
struct counters {
  std::uint64_t reports = 0;          ///< Socket, room and event reports sent to the UI.
  std::uint64_t dropped_reports = 0;  ///< Over max_reports_per_second, dropped.
  std::uint64_t logins = 0;           ///< Admin connections admitted.
  std::uint64_t refused_logins = 0;   ///< Wrong user name, password or session id.
  std::uint64_t busy_logins = 0;      ///< Refused: max_pending_logins checks were waiting.
  std::uint64_t actions = 0;          ///< join, leave and _disconnect carried out.
};

/// Whether `hash` is a bcrypt hash that can be checked here ($2a$, $2b$ or $2y$, cost 4..31).
bool is_bcrypt_hash(std::string_view hash) noexcept;

/// A bcrypt hash ($2b$) of `password` with a fresh random salt, for options::password_hash.
/// Throws std::invalid_argument for a password holding a NUL byte or over 72 bytes (bcrypt reads
/// no further), std::runtime_error when the C library cannot make one.
std::string bcrypt_hash(std::string_view password, int cost = 12);

/// The installed instrumentation: the admin namespace, its observer and its statistics timer.
class instrumentation {
 public:
  /// Installs the admin namespace on `io` and starts sending statistics. `timer` runs the
  /// statistics timer (a shard of the server); `workers` checks passwords (blocking work). Call
  /// before clients connect. Throws std::invalid_argument for a password_hash that is not bcrypt
  /// or a user name without one.
  static std::shared_ptr<instrumentation> attach(sio::server& io, boost::asio::any_io_executor timer,
                                                 boost::asio::any_io_executor workers, options opts);
  virtual ~instrumentation() = default;

  /// What it has done so far. Thread-safe.
  virtual admin::counters counters() const = 0;
  /// Stops the statistics timer (before the server's shards stop). Thread-safe.
  virtual void stop() = 0;
};

}  // namespace switchboard::admin
