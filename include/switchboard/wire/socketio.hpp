#pragma once
/// @file
/// Socket.IO v5 packets: encoder, and a push decoder that reassembles binary attachments.
///
/// Binary arguments live beside the JSON payload: the payload holds the placeholder
/// {"_placeholder":true,"num":i} where the i-th attachment belongs, as on the wire.
#include <boost/json/value.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "switchboard/wire/frame.hpp"

/// Socket.IO v5 codec: packets, their encoding into frames, and a push decoder. No I/O.
namespace switchboard::wire::sio {

/// The Socket.IO packet types; each one's value is the digit that starts its text part.
enum class packet_type : std::uint8_t {
  connect,  ///< CONNECT: joins a namespace; the server's answer carries the socket id.
  disconnect,  ///< DISCONNECT: leaves a namespace.
  event,  ///< EVENT: [name, args...].
  ack,  ///< ACK: the answer to an event that carried an ack id.
  connect_error,  ///< CONNECT_ERROR: a refused CONNECT.
  binary_event,  ///< BINARY_EVENT: an EVENT followed by binary attachments.
  binary_ack,  ///< BINARY_ACK: an ACK followed by binary attachments.
};

/// One Socket.IO packet, its binary attachments beside the JSON payload.
struct packet {
  packet_type type = packet_type::event;  ///< What the packet is.
  std::string nsp = "/";  ///< The namespace.
  std::optional<std::uint64_t> id;          ///< Ack id.
  std::optional<boost::json::value> data;   ///< Absent: no payload on the wire.
  std::vector<std::string> attachments;     ///< Binary attachments, indexed by placeholder num.

  /// Member-wise equality.
  friend bool operator==(const packet&, const packet&) = default;
};

/// Names a client may not emit: they have a meaning of their own on one side or the other
/// ("connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener").
bool is_reserved_event(std::string_view name) noexcept;

/// The largest ack id a JavaScript peer can represent exactly (2^53 - 1).
inline constexpr std::uint64_t max_ack_id = 9007199254740991ULL;

/// Appends the text part of a packet (`2/chat,12["hi"]`) to `out`. EVENT and ACK packets with
/// attachments are written as BINARY_EVENT / BINARY_ACK with their count. Fails on a namespace
/// holding a comma (or, other than "/", not starting with '/'), an ack id past max_ack_id, or
/// attachments on a packet type that cannot carry them.
std::error_code encode_text(const packet& p, std::string& out);

/// Encodes the whole packet as Engine.IO messages: the text part, then one binary message per
/// attachment. Fails as encode_text() does.
std::error_code encode_frame(const packet& p, frame_ptr& out);

/// Bounds of the decoder.
struct decoder_limits {
  std::size_t max_attachments = 10;        ///< As the reference parser.
  std::size_t max_depth = 32;              ///< JSON nesting.
  std::size_t max_namespace_length = 256;  ///< Bytes of a namespace name.
};

/// Push decoder: feed each Engine.IO message of one session, in order.
/// Single-threaded: it belongs to the session that feeds it.
class decoder {
 public:
  /// What a message completed: `packet_ready` when `out` holds a whole packet,
  /// `need_attachment` when a packet awaits more binary messages.
  enum class status { packet_ready, need_attachment };

  /// A decoder with the given bounds.
  explicit decoder(decoder_limits limits = {}) : limits_(limits) {}

  /// Feeds a text message: a whole packet, or the head of one that attachments will complete.
  /// A text message while attachments are awaited is errc::unexpected_text (the half-reassembled
  /// packet is dropped).
  std::error_code add_text(std::string_view text, status& result, packet& out);

  /// Feeds a binary message: the next attachment of the packet being reassembled
  /// (errc::unexpected_binary when none is). Taken by value so that a transport which read the
  /// message into a string hands it over without a copy. The completed packet's type is EVENT or
  /// ACK again, its attachments in `attachments`.
  std::error_code add_binary(std::string bytes, status& result, packet& out);

  /// Whether a packet awaits attachments.
  bool awaiting_attachments() const noexcept { return pending_.has_value(); }

  /// Drops a half-reassembled packet.
  void reset() noexcept;

 private:
  decoder_limits limits_;
  std::optional<packet> pending_;
  std::size_t expected_attachments_ = 0;
};

}  // namespace switchboard::wire::sio
