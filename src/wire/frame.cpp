#include "switchboard/wire/frame.hpp"

#include "switchboard/wire/base64.hpp"

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
