#pragma once
// RESP2 without I/O, on hiredis' formatter and parser: the bytes a command is sent as, and the
// replies read back from whatever bytes arrive, in pieces of any size.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "switchboard/cluster/redis_connection.hpp"

struct redisReader;

namespace switchboard::cluster::detail {

// The command as Redis reads it (an array of bulk strings); binary-safe. `argv` is not empty.
std::string format_command(const std::vector<std::string>& argv);

// Replies out of a byte stream. One per connection; not thread-safe.
class reply_reader {
 public:
  reply_reader();
  ~reply_reader();
  reply_reader(const reply_reader&) = delete;
  reply_reader& operator=(const reply_reader&) = delete;

  enum class status { reply, more, error };
  // Bytes as they came from the socket.
  void feed(std::string_view bytes);
  // The next whole reply into `out` (status::reply), or more bytes needed, or a stream that is
  // not RESP (then error() says why, and the connection is beyond repair).
  status next(redis_reply& out);
  std::string error() const;

 private:
  redisReader* reader_;
};

// A message a subscribed connection receives unasked: kind "message", "pmessage", "smessage", or
// a (un)subscription's confirmation ("subscribe", "ssubscribe", ... : channel set, payload empty).
struct push {
  std::string_view kind;
  std::string_view pattern;  // pmessage only
  std::string_view channel;
  std::string_view payload;
};
// The push `reply` is, if it is one; views into `reply`.
bool as_push(const redis_reply& reply, push& out);

}  // namespace switchboard::cluster::detail
