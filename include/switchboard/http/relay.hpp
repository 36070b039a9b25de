#pragma once
/// @file
/// Forwarding requests to another HTTP server over pooled keep-alive connections: how a cluster
/// node hands a long-polling request to the node that owns its session.
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>

#include "switchboard/http/shard_pool.hpp"
#include "switchboard/http/types.hpp"

namespace switchboard::http {

/// The bounds of a relay_pool. Each shard keeps its own pool, so the per-target bounds are per
/// shard.
struct relay_options {
  /// Connections to one target, busy and idle; a request beyond them is refused (relay_outcome::busy).
  std::size_t max_connections_per_target = 512;
  /// Idle connections kept for reuse per target; more are closed.
  std::size_t max_idle_per_target = 32;
  /// To connect to a target; a target that does not answer within it is unreachable.
  std::chrono::milliseconds connect_timeout{2'000};
  /// From sending a request to the end of its answer: longer than a long-polling GET is held.
  std::chrono::milliseconds exchange_timeout{60'000};
  /// An idle connection older than this is closed rather than reused: the target drops keep-alive
  /// connections that stay idle past its own header timeout (10 s by default).
  std::chrono::milliseconds max_idle_age{4'000};
  /// Bytes of an answer's body; a longer answer fails the request (relay_outcome::failed).
  std::size_t max_response_bytes = std::size_t{16} << 20;
};

/// What became of a forwarded request.
enum class relay_outcome {
  answered,     ///< The target answered; the response is its answer.
  unreachable,  ///< No connection to the target could be made: nothing was sent.
  busy,         ///< max_connections_per_target connections are busy: nothing was sent.
  failed,       ///< The connection broke, timed out, or the answer was malformed or too long.
};

/// Totals since construction; each field read with a relaxed atomic load.
struct relay_stats {
  std::uint64_t forwarded = 0;    ///< Requests answered by their target.
  std::uint64_t unreachable = 0;  ///< Requests whose target could not be reached.
  std::uint64_t busy = 0;         ///< Requests refused for max_connections_per_target.
  std::uint64_t failed = 0;       ///< Requests that broke in flight.
  std::uint64_t connections = 0;  ///< Now: connections open to every target, busy and idle.
};

/// Told what became of a forwarded request, on the shard it was forwarded from.
using relay_handler = std::function<void(relay_outcome, response)>;

/// Sends requests to other HTTP/1.1 servers and hands back their answers. Each shard keeps its own
/// connections, reused while they stay keep-alive. A request that fails on a reused connection
/// before any answer came is sent once more on a new one (the target may have closed it idle).
/// Thread-safe. Destroying the pool closes no connection in flight: each request finishes (or
/// times out) and tells its handler.
/// @code
/// http::relay_pool relay(http_server.shards(), {});
/// relay.forward(ex->shard(), owner, ex->req(), [ex](http::relay_outcome outcome, http::response res) {
///   if (outcome == http::relay_outcome::answered) return ex->respond(std::move(res));
///   ex->respond(http::make_response(ex->req(), boost::beast::http::status::bad_gateway, "Bad Gateway"));
/// });
/// @endcode
class relay_pool {
 public:
  /// A pool per shard of `shards`.
  relay_pool(shard_pool& shards, relay_options options = {});
  ~relay_pool();
  relay_pool(const relay_pool&) = delete;
  relay_pool& operator=(const relay_pool&) = delete;

  /// Sends `req` to `target` from shard `shard`'s pool; `done` runs once on that shard. The request
  /// goes as given, but keep-alive; the answer comes as the target wrote it.
  void forward(std::size_t shard, boost::asio::ip::tcp::endpoint target, request req, relay_handler done);

  /// The counters. Thread-safe.
  relay_stats stats() const noexcept;

  struct impl;  ///< Internal (src/http/relay.cpp).

 private:
  std::shared_ptr<impl> impl_;
};

}  // namespace switchboard::http
