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
/// Thread-safe for concurrent readers: it never changes after construction, but for a cache.
class frame {
 public:
  /// One Engine.IO packet as a WebSocket message.
  struct message {
    bool binary = false;  ///< A binary WebSocket message (a binary Engine.IO message packet).
    std::string bytes;  ///< As a WebSocket message carries it: "4..." for text, raw for binary.
  };

  /// Takes the packets, in the order they are sent.
  explicit frame(std::vector<message> messages);

  /// One WebSocket message per Engine.IO packet.
  std::span<const message> websocket_messages() const noexcept { return messages_; }

  /// The same packets as a fragment of a polling payload (binary as 'b' + base64, joined by the
  /// record separator). Computed once, on first use, when it differs from the WebSocket bytes.
  /// Valid as long as the frame.
  std::string_view polling_payload() const;

 private:
  std::vector<message> messages_;
  mutable std::once_flag polling_once_;
  mutable std::string polling_;
};

/// How frames are passed around: shared and immutable.
using frame_ptr = std::shared_ptr<const frame>;

/// A frame holding one text packet, as in `make_text_frame(eio::packet_type::message, "2[\"hi\"]")`.
frame_ptr make_text_frame(eio::packet_type type, std::string_view data);

/// A frame holding one binary message packet.
frame_ptr make_binary_frame(std::string bytes);

}  // namespace switchboard::wire
