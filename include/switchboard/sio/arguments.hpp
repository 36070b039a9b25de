#pragma once
/// @file
/// Event arguments as Socket.IO carries them: JSON values, with binary arguments as placeholders
/// {"_placeholder":true,"num":i} that name binaries[i].
#include <boost/json/array.hpp>
#include <boost/json/value_from.hpp>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

namespace switchboard::sio {

/// A binary argument for make_arguments() and the variadic emits: socket.io-client receives it
/// as a Buffer (Node.js) or an ArrayBuffer (browser), python-socketio as bytes.
struct binary {
  std::string data;  ///< The bytes.
};

/// The arguments of an event or an ack: JSON values, and the binaries their placeholders name.
/// make_arguments() builds them from C++ values.
/// @code
/// socket.emit("welcome", {.values = {socket.id()}});
/// socket.emit("welcome", socket.id(), 42);  // the same with make_arguments()
/// @endcode
struct arguments {
  boost::json::array values;  ///< The arguments, in order.
  std::vector<std::string> binaries;  ///< Binary arguments, named by placeholders in `values`.

  /// Appends a binary argument and returns its placeholder, to put anywhere in `values`.
  boost::json::value add_binary(std::string bytes);
  /// Whether values[i] is a binary argument (a placeholder naming one of `binaries`); false when
  /// there is no values[i].
  bool is_binary(std::size_t i) const noexcept;
  /// The bytes of the binary argument values[i]; throws std::out_of_range when it is not one.
  const std::string& bytes(std::size_t i) const;
};

namespace detail {
template <class T>
void append_argument(arguments& out, T&& value) {
  using plain = std::remove_cvref_t<T>;
  if constexpr (std::is_same_v<plain, binary>) {
    out.values.push_back(out.add_binary(std::forward<T>(value).data));
  } else if constexpr (std::is_convertible_v<const plain&, std::string_view>) {
    out.values.emplace_back(std::string_view(value));  // string literals too, not arrays of char
  } else {
    out.values.push_back(boost::json::value_from(std::forward<T>(value)));
  }
}
/// What the variadic emits take: C++ values, none of them ready-made arguments.
template <class... Args>
concept argument_values = sizeof...(Args) > 0 && (!std::is_same_v<std::remove_cvref_t<Args>, arguments> && ...);
}  // namespace detail

/// Builds arguments from C++ values, in order: a sio::binary becomes a binary argument, a string
/// a JSON string, and anything else goes through boost::json::value_from (numbers, bools,
/// containers, maps, std::optional, Boost.Describe structs, and types with a tag_invoke of their
/// own). For a time, wire::to_js_date() writes it as JavaScript's Date does in JSON.
/// @code
/// auto args = sio::make_arguments(1, "two", sio::binary{"\x01\x02"}, std::vector<int>{3, 4});
/// // socket.io-client: (1, "two", <Buffer 01 02>, [3, 4])
/// @endcode
template <class... Args>
arguments make_arguments(Args&&... args) {
  arguments out;
  out.values.reserve(sizeof...(Args));
  (detail::append_argument(out, std::forward<Args>(args)), ...);
  return out;
}

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
