#pragma once
// Socket.IO v5 packets: encoder, and a push decoder that reassembles binary attachments.
//
// Binary arguments live beside the JSON payload: the payload holds the placeholder
// {"_placeholder":true,"num":i} where the i-th attachment belongs, as on the wire.
#include <boost/json/value.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "switchboard/wire/frame.hpp"

namespace switchboard::wire::sio {

enum class packet_type : std::uint8_t {
  connect,
  disconnect,
  event,
  ack,
  connect_error,
  binary_event,
  binary_ack,
};

struct packet {
  packet_type type = packet_type::event;
  std::string nsp = "/";
  std::optional<std::uint64_t> id;          // ack id
  std::optional<boost::json::value> data;   // absent: no payload on the wire
  std::vector<std::string> attachments;     // binary attachments, indexed by placeholder num

  friend bool operator==(const packet&, const packet&) = default;
};

// Names a client may not emit: they have a meaning of their own on one side or the other.
bool is_reserved_event(std::string_view name) noexcept;

// The largest ack id a JavaScript peer can represent exactly (2^53 - 1).
inline constexpr std::uint64_t max_ack_id = 9007199254740991ULL;

// The text part of a packet ("2/chat,12[\"hi\"]"). EVENT and ACK packets with attachments are
// written as BINARY_EVENT / BINARY_ACK with their count. Fails on a namespace holding a comma,
// an ack id past max_ack_id, or attachments on a packet type that cannot carry them.
std::error_code encode_text(const packet& p, std::string& out);

// The whole packet as Engine.IO messages: the text part, then one binary message per attachment.
std::error_code encode_frame(const packet& p, frame_ptr& out);

struct decoder_limits {
  std::size_t max_attachments = 10;        // as the reference parser
  std::size_t max_depth = 32;              // JSON nesting
  std::size_t max_namespace_length = 256;
};

// Push decoder: feed each Engine.IO message of one session, in order.
// Single-threaded: it belongs to the session that feeds it.
class decoder {
 public:
  enum class status { packet_ready, need_attachment };

  explicit decoder(decoder_limits limits = {}) : limits_(limits) {}

  // A text message: a whole packet, or the head of one that attachments will complete.
  std::error_code add_text(std::string_view text, status& result, packet& out);

  // A binary message: the next attachment of the packet being reassembled. Taken by value so
  // that a transport which read the message into a string hands it over without a copy.
  std::error_code add_binary(std::string bytes, status& result, packet& out);

  bool awaiting_attachments() const noexcept { return pending_.has_value(); }

  // Drops a half-reassembled packet.
  void reset() noexcept;

 private:
  decoder_limits limits_;
  std::optional<packet> pending_;
  std::size_t expected_attachments_ = 0;
};

}  // namespace switchboard::wire::sio
