#pragma once
// One Redis connection driven by Asio: hiredis (0.14) parses and queues, an Asio stream_descriptor
// waits for readiness on the connection's strand, so no thread is added and nothing blocks.
// Commands are pipelined; a lost connection is re-established with exponential backoff and
// jitter, and every subscription is issued again. While the connection is down, commands fail
// at once with redis_errc::disconnected.
//
// A connection either runs commands (the publisher) or subscribes (the subscriber): in RESP2
// a subscribed connection takes no other command.
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

enum class redis_errc {
  disconnected = 1,  // no connection to Redis now; the command was not sent
  closed,            // close() was called (or the connection destroyed) before the reply came
  too_many_pending,  // options::max_pending commands await their replies already
};

const std::error_category& redis_category() noexcept;

inline std::error_code make_error_code(redis_errc e) noexcept { return {static_cast<int>(e), redis_category()}; }

// Where Redis is. parse_redis_url reads redis://[[user]:password@]host[:port][/db] and throws
// std::invalid_argument for anything else (configuration, checked at start-up).
struct redis_endpoint {
  std::string host = "127.0.0.1";
  std::uint16_t port = 6379;
  std::string username;  // Redis 6 ACL user; empty: AUTH with the password alone
  std::string password;  // empty: no AUTH
  int db = 0;            // SELECTed when not 0

  std::string address() const { return host + ":" + std::to_string(port); }  // for logs: no secrets
};

redis_endpoint parse_redis_url(std::string_view url);

// A reply, owned: it outlives the hiredis buffer it was read from.
struct redis_reply {
  enum class kind { string, status, integer, nil, error, array };
  kind type = kind::nil;
  std::string str;  // string, status, error
  long long integer = 0;
  std::vector<redis_reply> elements;  // array

  bool is_error() const noexcept { return type == kind::error; }
};

struct redis_options {
  std::chrono::milliseconds backoff_min{100};
  std::chrono::milliseconds backoff_max{5'000};
  std::chrono::milliseconds connect_timeout{2'000};  // TCP connect plus the AUTH/SELECT/PING handshake
  std::size_t max_pending = 10'000;                  // commands awaiting a reply
};

// What /metrics shows of a connection. Each is read atomically, not all together.
struct redis_stats {
  bool connected = false;
  std::uint64_t errors = 0;      // failed connects, lost connections, error replies
  std::uint64_t reconnects = 0;  // connections made after the first
  std::uint64_t rejected = 0;    // commands failed at once (disconnected, too many pending, empty)
};

// A Redis error reply comes as a reply of kind error with an empty error_code.
using reply_handler = std::function<void(std::error_code, redis_reply)>;
// (pattern, channel, payload); the pattern is empty for a plain SUBSCRIBE. Views valid during the call.
using message_handler = std::function<void(std::string_view, std::string_view, std::string_view)>;
// Connected (reason empty) or lost (reason says why), on each change.
using state_handler = std::function<void(bool connected, std::string_view reason)>;

// Thread-safe: every member may be called from any thread; work runs on a strand of the
// executor, and so do all handlers. Handlers must not throw (an exception is logged and dropped).
//
// Shutdown: close() (also run by the destructor) fails every pending reply handler with
// redis_errc::closed and stops the message and state handlers. Called on the executor (from any
// handler of this connection) it takes effect before the executor runs anything else; from
// another thread it is posted. Handlers still pending when the io_context is destroyed are
// destroyed without being called, as Asio does.
class redis_connection {
 public:
  redis_connection(boost::asio::any_io_executor executor, redis_endpoint endpoint, redis_options options = {});
  ~redis_connection();
  redis_connection(const redis_connection&) = delete;
  redis_connection& operator=(const redis_connection&) = delete;

  // Set before start().
  void on_message(message_handler handler);
  void on_state(state_handler handler);

  // Connects, and keeps reconnecting until close().
  void start();
  void close();

  // argv is binary-safe and not empty. The handler (may be empty) runs once, never inside this call.
  void command(std::vector<std::string> argv, reply_handler handler);
  void publish(std::string channel, std::string payload, reply_handler handler = {});

  // Remembered, and issued again after every reconnect.
  void subscribe(std::vector<std::string> channels);
  void psubscribe(std::vector<std::string> patterns);

  redis_stats stats() const noexcept;
  bool connected() const noexcept;  // one atomic load: for every publish

 private:
  class impl;
  std::shared_ptr<impl> impl_;
};

}  // namespace switchboard::cluster

template <>
struct std::is_error_code_enum<switchboard::cluster::redis_errc> : std::true_type {};
