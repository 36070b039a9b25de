#pragma once
/// @file
/// The request that opened a session, as the session keeps it for its whole life.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "switchboard/http/types.hpp"

namespace switchboard::engine {

/// The target and the header fields of a session's handshake request, in one string: an idle
/// session keeps its handshake for `socket.handshake` and the credential checks, and a Beast
/// request would hold an allocation per field. Immutable once built.
/// @code
/// if (auto origin = session.handshake().find("origin")) log(*origin);
/// session.handshake().for_each_field([](std::string_view name, std::string_view value) { /* ... */ });
/// @endcode
class handshake_request {
 public:
  handshake_request() = default;
  /// Copies the target and every header field of `request` (the body is left out).
  explicit handshake_request(const http::request& request);

  /// The request target: the path and the query ("/socket.io/?EIO=4&transport=websocket").
  std::string_view target() const noexcept { return std::string_view(text_).substr(0, target_size_); }
  /// The value of the first field named `name` (compared without regard to ASCII case), if any.
  std::optional<std::string_view> find(std::string_view name) const noexcept;
  /// Calls `visit(name, value)` for every field, repeated ones included, in the order the request
  /// keeps them (fields of one name together, in the order they came).
  template <class Visitor>
  void for_each_field(Visitor&& visit) const {
    for (std::size_t at = target_size_; at < text_.size();) {
      const field f = field_at(at);
      visit(f.name, f.value);
      at = f.next;
    }
  }
  /// The bytes the record holds (for memory accounting).
  std::size_t size_bytes() const noexcept { return text_.size(); }

 private:
  struct field {
    std::string_view name;
    std::string_view value;
    std::size_t next;
  };
  field field_at(std::size_t at) const noexcept;

  // The target, then per field: its name's size (2 bytes), its value's size (4 bytes), the name
  // and the value. Sizes rather than separators, so no byte of a value can end it.
  std::string text_;
  std::uint32_t target_size_ = 0;
};

}  // namespace switchboard::engine
