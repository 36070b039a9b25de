#pragma once
// Event arguments as Socket.IO carries them: JSON values, with binary arguments as placeholders
// {"_placeholder":true,"num":i} that name binaries[i].
#include <boost/json/array.hpp>
#include <functional>
#include <string>
#include <system_error>
#include <vector>

namespace switchboard::sio {

struct arguments {
  boost::json::array values;
  std::vector<std::string> binaries;

  // Appends a binary argument and returns its placeholder, to put anywhere in `values`.
  boost::json::value add_binary(std::string bytes);
};

enum class errc {
  ack_timeout = 1,      // "operation has timed out"
  disconnected,         // the socket went away before it answered
  too_many_pending_acks,
  not_connected,
  reserved_event,
  reserved_room,  // the room's prefix is reserved to another layer (user rooms)
  cluster_unreachable,  // a cluster adapter delivered on this node but could not reach the others
};
const std::error_category& sio_category() noexcept;
inline std::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), sio_category()}; }

// The client's answer to an emit_with_ack, or an error (timeout, disconnect).
using ack_callback = std::function<void(std::error_code, arguments)>;

}  // namespace switchboard::sio

template <>
struct std::is_error_code_enum<switchboard::sio::errc> : std::true_type {};
