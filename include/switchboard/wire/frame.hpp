#pragma once
/// @file
/// An outbound unit encoded once and shared read-only between shards and transports: one
/// Engine.IO packet, or a Socket.IO packet followed by its binary attachments.
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "switchboard/wire/engineio.hpp"

namespace switchboard::wire {

/// Engine.IO packets encoded once, for every transport and every recipient.
/// A WebSocket writer sends websocket_messages(); a polling batcher appends polling_payload().
/// The Engine.IO v3 forms (websocket_messages_v3(), polling_payload_v3()) are computed only when
/// a v3 client asks for them. Thread-safe for concurrent readers: it never changes after
/// construction, but for its caches.
class frame {
 public:
  /// One Engine.IO packet as a WebSocket message.
  struct message {
    bool binary = false;  ///< A binary WebSocket message (a binary Engine.IO message packet).
    std::string bytes;  ///< As a WebSocket message carries it: "4..." for text, raw for binary.
  };

  /// Takes the packets, in the order they are sent.
  explicit frame(std::vector<message> messages);
  /// The same, with the same Socket.IO packet in another parser's encoding beside it, for the
  /// recipients of a broadcast who use that parser.
  frame(std::vector<message> messages, std::shared_ptr<const frame> other_encoding)
      : frame(std::move(messages)) {
    other_encoding_ = std::move(other_encoding);
  }

  /// The packet in the other parser's encoding, or null.
  const std::shared_ptr<const frame>& other_encoding() const noexcept { return other_encoding_; }

  /// One WebSocket message per Engine.IO packet.
  std::span<const message> websocket_messages() const noexcept { return messages_; }

  /// The same packets as a fragment of a polling payload (binary as 'b' + base64, joined by the
  /// record separator). Computed once, on first use, when it differs from the WebSocket bytes.
  /// Valid as long as the frame.
  std::string_view polling_payload() const;

  /// The same packets as Engine.IO v3 WebSocket messages: text messages unchanged, binary ones
  /// after the type byte eio::v3::binary_message_type. Computed once, on first use, when the frame
  /// holds a binary message. Valid as long as the frame.
  std::span<const message> websocket_messages_v3() const;

  /// The same packets as a fragment of an Engine.IO v3 text payload (eio::v3::append_payload_text()
  /// and eio::v3::append_payload_binary() per packet), which concatenates with other frames'
  /// fragments into a payload. Computed once, on first use. Valid as long as the frame.
  std::string_view polling_payload_v3() const;

 private:
  std::vector<message> messages_;
  std::shared_ptr<const frame> other_encoding_;
  mutable std::once_flag polling_once_;
  mutable std::string polling_;
  mutable std::once_flag websocket_v3_once_;
  mutable std::vector<message> websocket_v3_;
  mutable std::once_flag polling_v3_once_;
  mutable std::string polling_v3_;
};

/// How frames are passed around: shared and immutable.
using frame_ptr = std::shared_ptr<const frame>;

/// A frame holding one text packet, as in `make_text_frame(eio::packet_type::message, "2[\"hi\"]")`.
frame_ptr make_text_frame(eio::packet_type type, std::string_view data);

/// A frame holding one binary message packet.
frame_ptr make_binary_frame(std::string bytes);

}  // namespace switchboard::wire
