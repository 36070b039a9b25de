#pragma once
/// @file
/// Event arguments as Socket.IO carries them: JSON values, with binary arguments as placeholders
/// {"_placeholder":true,"num":i} that name binaries[i].
#include <boost/json/array.hpp>
#include <functional>
#include <string>
#include <system_error>
#include <vector>

namespace switchboard::sio {

/// The arguments of an event or an ack: JSON values, and the binaries their placeholders name.
/// @code
/// socket.emit("welcome", {.values = {socket.id()}});
/// @endcode
struct arguments {
  boost::json::array values;  ///< The arguments, in order.
  std::vector<std::string> binaries;  ///< Binary arguments, named by placeholders in `values`.

  /// Appends a binary argument and returns its placeholder, to put anywhere in `values`.
  boost::json::value add_binary(std::string bytes);
};

/// Why a Socket.IO operation failed. A std::error_code enum.
enum class errc {
  ack_timeout = 1,      ///< "operation has timed out": no answer within the timeout.
  disconnected,         ///< The socket went away before it answered.
  too_many_pending_acks,  ///< The socket already waits for options::max_pending_acks answers.
  not_connected,  ///< The socket is not connected.
  reserved_event,  ///< A reserved event name (wire::sio::is_reserved_event()).
  reserved_room,  ///< The room's prefix is reserved to another layer (user rooms).
  cluster_unreachable,  ///< A cluster adapter delivered on this node but could not reach the others.
};
/// The category of errc values ("switchboard.sio").
const std::error_category& sio_category() noexcept;
/// Makes `e` a std::error_code of sio_category(); lets errc values convert to std::error_code.
inline std::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), sio_category()}; }

/// The client's answer to an emit_with_ack, or an error (timeout, disconnect).
using ack_callback = std::function<void(std::error_code, arguments)>;

}  // namespace switchboard::sio

template <>
struct std::is_error_code_enum<switchboard::sio::errc> : std::true_type {};
