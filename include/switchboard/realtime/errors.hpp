#pragma once
// Why an emission did not happen. Emitting never throws: it returns one of these, logged.
#include <system_error>

namespace switchboard::realtime {

enum class errc {
  not_attached = 1,  // no realtime server in this process (not attached yet, or stopped)
  shutting_down,     // the server is stopping
  no_target,         // no user, room or namespace named
  encode_failed,     // the payload could not be encoded
  unknown_namespace,
  internal_error,    // an unexpected failure (out of memory...)
  cluster_unreachable,  // delivered to this node's sockets, but Redis is down: not to other nodes'
};

const std::error_category& realtime_category() noexcept;
inline std::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), realtime_category()}; }

}  // namespace switchboard::realtime

template <>
struct std::is_error_code_enum<switchboard::realtime::errc> : std::true_type {};
