#pragma once
/// @file
/// The Redis adapter: sio namespaces of several processes share broadcasts, rooms and requests
/// over Redis, wire-compatible with Node's \@socket.io/redis-adapter 8.3, with either of its
/// protocols: the classic one (`createAdapter`: PUBLISH / PSUBSCRIBE / SUBSCRIBE, which
/// \@socket.io/redis-emitter 5.1 speaks too) or the sharded one (`createShardedAdapter`: Redis 7
/// SPUBLISH / SSUBSCRIBE, a channel per room).
///
/// One redis_cluster per process owns a publisher and a subscriber connection; make_factory()
/// gives sio::options::adapter_factory, which wraps each namespace's local adapter in a node (a
/// uid per namespace: 6 characters in the classic protocol, 16 hex digits in the sharded one, as
/// Node). A node delivers locally first and then publishes; Redis being down never blocks nor
/// throws: the failure is logged as a warning and counted.
///
/// Threading: everything may be called from any thread. Requests and their replies are kept on a
/// strand of the executor given (one per namespace); the callbacks of fetch_sockets, broadcast
/// with ack, server_side_emit and the handler of on_server_side_emit run on that executor.
#include <boost/asio/any_io_executor.hpp>
#include <boost/json/array.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <system_error>
#include <vector>

#include "switchboard/cluster/messages.hpp"
#include "switchboard/cluster/node_directory.hpp"
#include "switchboard/cluster/redis_connection.hpp"
#include "switchboard/sio/adapter.hpp"

/// Several processes as one Socket.IO server over Redis: the Redis adapter, its messages and its
/// connections, wire-compatible with Node's Redis adapter and emitter.
namespace switchboard::cluster {

/// Why a cluster operation failed. A std::error_code enum.
enum class cluster_errc {
  unknown_namespace = 1,  ///< No adapter was made for that namespace.
  request_timeout,        ///< Not every node answered within the request timeout (partial results).
};
/// The category of cluster_errc values.
const std::error_category& cluster_category() noexcept;
/// Makes `e` a std::error_code of cluster_category(); lets cluster_errc values convert to
/// std::error_code.
inline std::error_code make_error_code(cluster_errc e) noexcept { return {static_cast<int>(e), cluster_category()}; }

/// Which of the two protocols of Node's \@socket.io/redis-adapter a cluster speaks; they do not
/// talk to each other, so every node of a cluster must use the same one.
enum class adapter_protocol {
  classic,  ///< `createAdapter`: PUBLISH / PSUBSCRIBE; every node receives every broadcast.
  sharded,  ///< `createShardedAdapter` (Redis >= 7): SPUBLISH / SSUBSCRIBE, ClusterAdapter messages.
};

/// Which channels a sharded node subscribes to (Node's `subscriptionMode`).
enum class subscription_mode {
  namespace_only,  ///< "static": the namespace's channel and the node's response channel only.
  public_rooms,    ///< "dynamic": also one channel per room that is not a socket's own room.
  every_room,      ///< "dynamic-private": also one channel per socket's own room.
};

/// How the adapter uses Redis.
struct redis_adapter_options {
  std::string key = "socket.io";                     ///< Node's `key` (classic) or `channelPrefix` (sharded).
  adapter_protocol protocol = adapter_protocol::classic;  ///< Must match every other node's.
  /// For the sharded protocol: with public_rooms (the default), an event for one room, such as a
  /// user's `user:<id>`, reaches only the nodes where that room has sockets.
  subscription_mode subscriptions = subscription_mode::public_rooms;
  /// For the sharded protocol: more nodes of a Redis Cluster to read its topology from, beside the
  /// endpoint given to redis_cluster (their credentials are the endpoint's). With the sharded
  /// protocol the endpoint may be a Redis Cluster node or a single Redis; it is told by CLUSTER SHARDS.
  std::vector<redis_endpoint> cluster_seeds;
  std::chrono::milliseconds request_timeout{5'000};  ///< For fetch_sockets, all_rooms, server_side_emit.
  bool publish_on_specific_response_channel = false; ///< Node's option of that name (replies to `<uid>#`).
  redis_options redis;  ///< The connections' reconnection and limits.
  decode_limits limits;  ///< Bounds of the messages received.
};

/// For /readyz and /metrics. Each counter is read atomically, not all together.
struct redis_adapter_stats {
  bool connected = false;           ///< Publisher and subscriber both up; false: degraded (local only).
  std::uint64_t redis_errors = 0;   ///< Both connections' errors (failed connects, lost connections, error replies).
  std::uint64_t reconnects = 0;     ///< Both connections'.
  std::uint64_t publish_failures = 0;  ///< Messages that could not be published (Redis down, ...).
  std::uint64_t request_timeouts = 0;  ///< Requests resolved with partial results.
  std::uint64_t invalid_messages = 0;  ///< Received messages that did not decode.
  std::uint64_t published = 0;         ///< Messages published successfully.
  std::uint64_t received = 0;          ///< Messages received from other nodes (own echoes excluded).
};

/// The type of sio::options::adapter_factory.
using adapter_factory =
    std::function<std::unique_ptr<sio::adapter>(const std::string& nsp, std::unique_ptr<sio::adapter> local)>;

/// Answers a SERVER_SIDE_EMIT that asked for one (the first argument travels, as in Node). Once.
using server_side_emit_reply = std::function<void(std::optional<boost::json::value>)>;
/// Handles another node's SERVER_SIDE_EMIT: `data` is [event, args...]; `reply` is empty when
/// the sender asked for no answer.
using server_side_emit_handler =
    std::function<void(const std::string& nsp, boost::json::array data, server_side_emit_reply reply)>;
/// The other nodes' answers; cluster_errc::request_timeout with those that came in time.
using server_side_emit_callback = std::function<void(std::error_code, std::vector<boost::json::value>)>;

/// One process's membership of a cluster: the Redis publisher and subscriber connections, and
/// the factory of the namespaces' adapters. Thread-safe: everything may be called from any
/// thread; callbacks run on the executor given.
/// @code
/// auto node = std::make_unique<cluster::redis_cluster>(http.shards().shard(0).get_executor(),
///                                                      cluster::parse_redis_url(url), std::move(options));
/// node->start();
/// realtime::options options;
/// options.sio.adapter_factory = node->make_factory();
/// // ... at the end, before the shards stop:
/// node->close();
/// @endcode
class redis_cluster {
 public:
  /// A cluster member whose Redis I/O and callbacks run on `executor`; nothing connects before
  /// start().
  redis_cluster(boost::asio::any_io_executor executor, redis_endpoint endpoint, redis_adapter_options options = {});
  /// Closes both connections.
  ~redis_cluster();
  redis_cluster(const redis_cluster&) = delete;
  redis_cluster& operator=(const redis_cluster&) = delete;

  /// Sets the handler of the other nodes' SERVER_SIDE_EMIT.
  /// Set before start(). Runs on the executor; must not throw.
  void on_server_side_emit(server_side_emit_handler handler);

  /// Connects both connections (and keeps reconnecting until close()).
  void start();
  /// Closes both connections: the adapters go on delivering locally.
  void close();

  /// For sio::options::adapter_factory. The factory (and the adapters) keep the cluster's state
  /// alive; the connections close with close() or the destructor of this object. Every copy of
  /// the factory and every adapter must be gone before the executor's io_context is destroyed:
  /// the Redis sockets belong to it.
  adapter_factory make_factory();
  /// What the factory does: a node for `nsp` wrapping `local`, subscribed to its channels.
  std::unique_ptr<sio::adapter> make_adapter(const std::string& nsp, std::unique_ptr<sio::adapter> local);

  /// Node's io.of(nsp).serverSideEmit(event, ...args): `data` is [event, args...], JSON only.
  /// cluster_errc::unknown_namespace when no adapter exists for `nsp`.
  std::error_code server_side_emit(const std::string& nsp, boost::json::array data);
  /// With an answer from every other node (Node's serverSideEmit with a trailing callback).
  void server_side_emit(const std::string& nsp, boost::json::array data, server_side_emit_callback done);

  /// Node's adapter.allRooms(): every room of the namespace on every node (sockets' own rooms too).
  /// The sharded protocol has no such request: there, this node's rooms only.
  void all_rooms(const std::string& nsp, std::function<void(std::error_code, std::set<std::string>)> done);

  /// This process's entry in the directory of the cluster's nodes, for engine::options::cluster
  /// (long-polling without sticky sessions); one per redis_cluster, made on the first call.
  std::shared_ptr<node_directory> directory(node_directory_options options = {});

  /// The uid of the namespace's node, empty if none (logs, tests).
  std::string uid(const std::string& nsp) const;
  /// The counters and connection state, for /readyz and /metrics.
  redis_adapter_stats stats() const noexcept;

  struct core;  // internal (src/cluster/cluster_core.hpp)

 private:
  std::shared_ptr<core> core_;
  std::mutex directory_mutex_;
  std::shared_ptr<node_directory> directory_;  // guarded by directory_mutex_; made on first use
};

}  // namespace switchboard::cluster

template <>
struct std::is_error_code_enum<switchboard::cluster::cluster_errc> : std::true_type {};
