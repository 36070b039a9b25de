#include "switchboard/wire/frame.hpp"

#include <algorithm>

#include "switchboard/wire/base64.hpp"
#include "switchboard/wire/engineio_v3.hpp"

namespace switchboard::wire {

frame::frame(std::vector<message> messages) : messages_(std::move(messages)) {}

std::string_view frame::polling_payload() const {
  if (messages_.size() == 1 && !messages_.front().binary) return messages_.front().bytes;
  std::call_once(polling_once_, [this] {
    for (std::size_t i = 0; i < messages_.size(); ++i) {
      const message& m = messages_[i];
      if (i > 0) polling_.push_back(eio::record_separator);
      if (m.binary) {
        polling_.push_back('b');
        append_base64(m.bytes, polling_);
      } else {
        polling_.append(m.bytes);
      }
    }
  });
  return polling_;
}

std::span<const frame::message> frame::websocket_messages_v3() const {
  const bool has_binary = std::ranges::any_of(messages_, &message::binary);
  if (!has_binary) return messages_;
  std::call_once(websocket_v3_once_, [this] {
    websocket_v3_.reserve(messages_.size());
    for (const message& m : messages_) {
      if (m.binary) {
        websocket_v3_.push_back({true, eio::v3::binary_message_type + m.bytes});
      } else {
        websocket_v3_.push_back(m);
      }
    }
  });
  return websocket_v3_;
}

std::string_view frame::polling_payload_v3() const {
  std::call_once(polling_v3_once_, [this] {
    for (const message& m : messages_) {
      if (m.binary) {
        eio::v3::append_payload_binary(m.bytes, polling_v3_);
      } else {
        eio::v3::append_payload_text(m.bytes, polling_v3_);
      }
    }
  });
  return polling_v3_;
}

frame_ptr make_text_frame(eio::packet_type type, std::string_view data) {
  std::string bytes;
  bytes.reserve(data.size() + 1);
  eio::append_text_packet(type, data, bytes);
  return std::make_shared<const frame>(std::vector<frame::message>{{false, std::move(bytes)}});
}

frame_ptr make_binary_frame(std::string bytes) {
  return std::make_shared<const frame>(std::vector<frame::message>{{true, std::move(bytes)}});
}

}  // namespace switchboard::wire
