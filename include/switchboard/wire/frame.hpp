#pragma once
// An outbound unit encoded once and shared read-only between shards and transports: one
// Engine.IO packet, or a Socket.IO packet followed by its binary attachments.
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "switchboard/wire/engineio.hpp"

namespace switchboard::wire {

// Thread-safe for concurrent readers: it never changes after construction, but for a cache.
class frame {
 public:
  struct message {
    bool binary = false;
    std::string bytes;  // as a WebSocket message carries it: "4..." for text, raw for binary
  };

  explicit frame(std::vector<message> messages);

  // One WebSocket message per Engine.IO packet.
  std::span<const message> websocket_messages() const noexcept { return messages_; }

  // The same packets as a fragment of a polling payload (binary as 'b' + base64, joined by the
  // record separator). Computed once, on first use, when it differs from the WebSocket bytes.
  std::string_view polling_payload() const;

 private:
  std::vector<message> messages_;
  mutable std::once_flag polling_once_;
  mutable std::string polling_;
};

using frame_ptr = std::shared_ptr<const frame>;

// A frame holding one text packet, e.g. make_text_frame(eio::packet_type::message, "2[\"hi\"]").
frame_ptr make_text_frame(eio::packet_type type, std::string_view data);

// A frame holding one binary message packet.
frame_ptr make_binary_frame(std::string bytes);

}  // namespace switchboard::wire
