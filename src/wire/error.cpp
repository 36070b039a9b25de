#include "switchboard/wire/error.hpp"

#include <string>

namespace switchboard::wire {
namespace {

class wire_error_category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "switchboard.wire"; }

  std::string message(int value) const override {
    switch (static_cast<errc>(value)) {
      case errc::empty_packet: return "empty packet";
      case errc::unknown_packet_type: return "unknown packet type";
      case errc::invalid_base64: return "invalid base64 data";
      case errc::too_many_packets: return "too many packets in payload";
      case errc::invalid_namespace: return "invalid namespace";
      case errc::invalid_ack_id: return "invalid ack id";
      case errc::invalid_attachments: return "illegal attachments";
      case errc::too_many_attachments: return "too many attachments";
      case errc::invalid_json: return "invalid JSON";
      case errc::invalid_payload: return "invalid payload";
      case errc::reserved_event_name: return "reserved event name";
      case errc::unexpected_binary: return "got binary data when not reconstructing a packet";
      case errc::unexpected_text: return "got plaintext data when reconstructing a packet";
      case errc::nesting_too_deep: return "nesting too deep";
      case errc::too_large: return "size limit exceeded";
      case errc::truncated: return "truncated MessagePack data";
      case errc::invalid_msgpack: return "invalid MessagePack data";
      case errc::trailing_bytes: return "trailing bytes after MessagePack value";
      case errc::invalid_map_key: return "MessagePack map key is not a string";
      case errc::invalid_length: return "invalid packet length in payload";
      case errc::invalid_utf8: return "invalid UTF-8 text";
    }
    return "unknown wire error";
  }
};

}  // namespace

const std::error_category& wire_category() noexcept {
  static const wire_error_category category;
  return category;
}

}  // namespace switchboard::wire
