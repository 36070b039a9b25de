#pragma once
/// @file
/// One Redis connection driven by Asio: hiredis (0.14) formats the commands and parses the
/// replies (RESP2), Asio does the I/O on the connection's strand, so no thread is added and
/// nothing blocks. Commands are pipelined; a lost connection is re-established with exponential
/// backoff and jitter, and every subscription is issued again. While the connection is down,
/// commands fail at once with redis_errc::disconnected.
///
/// A connection either runs commands (the publisher) or subscribes (the subscriber): in RESP2
/// a subscribed connection takes no other command.
#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace switchboard::cluster {

/// Why a Redis command got no reply. A std::error_code enum.
enum class redis_errc {
  disconnected = 1,  ///< No connection to Redis now; the command was not sent.
  closed,            ///< close() was called (or the connection destroyed) before the reply came.
  too_many_pending,  ///< options::max_pending commands await their replies already.
};

/// The category of redis_errc values.
const std::error_category& redis_category() noexcept;

/// Makes `e` a std::error_code of redis_category(); lets redis_errc values convert to
/// std::error_code.
inline std::error_code make_error_code(redis_errc e) noexcept { return {static_cast<int>(e), redis_category()}; }

/// Where Redis is. parse_redis_url reads `redis://[[user]:password@]host[:port][/db]` and throws
/// std::invalid_argument for anything else (configuration, checked at start-up).
struct redis_endpoint {
  std::string host = "127.0.0.1";  ///< Host name or address.
  std::uint16_t port = 6379;  ///< TCP port.
  std::string username;  ///< Redis 6 ACL user; empty: AUTH with the password alone.
  std::string password;  ///< Empty: no AUTH.
  int db = 0;            ///< SELECTed when not 0.

  std::string address() const { return host + ":" + std::to_string(port); }  ///< "host:port", for logs: no secrets.
};

/// Reads `redis://[[user]:password@]host[:port][/db]`; throws std::invalid_argument for anything
/// else.
redis_endpoint parse_redis_url(std::string_view url);

/// A reply, owned: it outlives the hiredis buffer it was read from.
struct redis_reply {
  /// The RESP2 reply types.
  enum class kind { string, status, integer, nil, error, array };
  kind type = kind::nil;  ///< The reply's type.
  std::string str;  ///< For string, status, error.
  long long integer = 0;  ///< For integer.
  std::vector<redis_reply> elements;  ///< For array.

  /// Whether Redis answered with an error.
  bool is_error() const noexcept { return type == kind::error; }
};

/// Reconnection and limits of a connection.
struct redis_options {
  std::chrono::milliseconds backoff_min{100};  ///< First delay before a reconnection.
  std::chrono::milliseconds backoff_max{5'000};  ///< Longest delay between reconnections.
  std::chrono::milliseconds connect_timeout{2'000};  ///< TCP connect plus the AUTH/SELECT/PING handshake.
  std::size_t max_pending = 10'000;                  ///< Commands awaiting a reply.
};

/// What /metrics shows of a connection. Each is read atomically, not all together.
struct redis_stats {
  bool connected = false;  ///< Whether the connection is up now.
  std::uint64_t errors = 0;      ///< Failed connects, lost connections, error replies.
  std::uint64_t reconnects = 0;  ///< Connections made after the first.
  std::uint64_t rejected = 0;    ///< Commands failed at once (disconnected, too many pending, empty).
};

/// Told a command's reply. A Redis error reply comes as a reply of kind error with an empty
/// error_code.
using reply_handler = std::function<void(std::error_code, redis_reply)>;
/// Told each message: (pattern, channel, payload); the pattern is empty for a plain SUBSCRIBE.
/// Views valid during the call.
using message_handler = std::function<void(std::string_view, std::string_view, std::string_view)>;
/// Told each change: connected (reason empty) or lost (reason says why).
using state_handler = std::function<void(bool connected, std::string_view reason)>;

/// One Redis connection: pipelined commands, or subscriptions, reconnected as needed.
/// Thread-safe: every member may be called from any thread; work runs on a strand of the
/// executor, and so do all handlers. Handlers must not throw (an exception is logged and dropped).
///
/// Shutdown: close() (also run by the destructor) fails every pending reply handler with
/// redis_errc::closed and stops the message and state handlers. Called on the executor (from any
/// handler of this connection) it takes effect before the executor runs anything else; from
/// another thread it is posted. Handlers still pending when the io_context is destroyed are
/// destroyed without being called, as Asio does.
class redis_connection {
 public:
  /// A connection to `endpoint` run on `executor`; nothing connects before start().
  redis_connection(boost::asio::any_io_executor executor, redis_endpoint endpoint, redis_options options = {});
  /// Closes the connection (close()).
  ~redis_connection();
  redis_connection(const redis_connection&) = delete;
  redis_connection& operator=(const redis_connection&) = delete;

  /// Sets the handler of subscribed messages. Set before start().
  void on_message(message_handler handler);
  /// Sets the handler of connection state changes. Set before start().
  void on_state(state_handler handler);

  /// Connects, and keeps reconnecting until close().
  void start();
  /// Stops the connection for good; see the class notes on shutdown.
  void close();

  /// Sends a command. argv is binary-safe and not empty. The handler (may be empty) runs once,
  /// never inside this call.
  void command(std::vector<std::string> argv, reply_handler handler);
  /// PUBLISH `payload` on `channel`.
  void publish(std::string channel, std::string payload, reply_handler handler = {});

  /// SPUBLISH (Redis 7 sharded pub/sub) `payload` on `channel`.
  void spublish(std::string channel, std::string payload, reply_handler handler = {});
  /// SUBSCRIBE to `channels`: remembered, and issued again after every reconnect.
  void subscribe(std::vector<std::string> channels);
  /// PSUBSCRIBE to `patterns`: remembered, and issued again after every reconnect.
  void psubscribe(std::vector<std::string> patterns);
  /// SSUBSCRIBE (Redis 7 sharded pub/sub) to `channels`: remembered, and issued again after every
  /// reconnect. Their messages reach the message handler with an empty pattern.
  void ssubscribe(std::vector<std::string> channels);
  /// SUNSUBSCRIBE from `channels`, and forgets them; channels not subscribed are ignored.
  void sunsubscribe(std::vector<std::string> channels);

  /// The connection's counters.
  redis_stats stats() const noexcept;
  /// Whether the connection is up: one atomic load, for every publish.
  bool connected() const noexcept;

 private:
  class impl;
  std::shared_ptr<impl> impl_;
};

}  // namespace switchboard::cluster

template <>
struct std::is_error_code_enum<switchboard::cluster::redis_errc> : std::true_type {};
