#pragma once
/// @file
/// Why an emission did not happen. Emitting never throws: it returns one of these, logged.
#include <system_error>

namespace switchboard::realtime {

/// Why an emission did not happen. A std::error_code enum.
enum class errc {
  not_attached = 1,  ///< No realtime server in this process (not attached yet, or stopped).
  shutting_down,     ///< The server is stopping.
  no_target,         ///< No user, room or namespace named.
  encode_failed,     ///< The payload could not be encoded (or the event name is reserved).
  unknown_namespace,  ///< emit_options::nsp names no namespace.
  internal_error,    ///< An unexpected failure (out of memory...).
  cluster_unreachable,  ///< Delivered to this node's sockets, but Redis is down: not to other nodes'.
};

/// The category of errc values ("switchboard.realtime").
const std::error_category& realtime_category() noexcept;
/// Makes `e` a std::error_code of realtime_category(); lets errc values convert to std::error_code.
inline std::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), realtime_category()}; }

}  // namespace switchboard::realtime

template <>
struct std::is_error_code_enum<switchboard::realtime::errc> : std::true_type {};
