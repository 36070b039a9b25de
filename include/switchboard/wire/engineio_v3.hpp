#pragma once
/// @file
/// Engine.IO v3 framing, as Socket.IO v2 clients (engine.io-client 3.x) speak it: polling
/// payloads whose packets carry length prefixes, and binary messages that start with a type byte.
/// The packets themselves are eio::packet, as in v4.
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "switchboard/wire/engineio.hpp"

/// Engine.IO v3 codec (engine.io-parser 2.x wire format). No I/O.
///
/// A text payload is `<length>:<packet>` per packet, the length in decimal counting the packet's
/// UTF-16 code units (JavaScript string length), binary messages as "b4" + base64; "0:" is the
/// empty payload. A binary payload (an application/octet-stream POST body) is, per packet, a byte
/// 0 (text) or 1 (binary), the digits of the length as byte values 0 to 9, the byte 0xff, then
/// the packet: its UTF-8 text form, or the type byte 4 and the bytes; the length counts bytes.
namespace switchboard::wire::eio::v3 {

/// The byte that starts a v3 binary message, in WebSocket messages and binary payloads: the
/// message packet type.
inline constexpr char binary_message_type = static_cast<char>(packet_type::message);

/// The number of UTF-16 code units of valid UTF-8 text: its JavaScript string length, which the
/// length prefixes of a text payload count. Meaningless, but harmless, for invalid UTF-8.
std::size_t utf16_length(std::string_view utf8);

/// Decodes one packet of a text payload, or a WebSocket text message: the v4 text form, or 'b',
/// the type digit 4 and base64 for a binary message (what a client with `b64` sends).
/// errc::empty_packet for an empty text, errc::unknown_packet_type for a type outside '0' to '6'
/// or a binary packet other than a message, errc::invalid_base64 for malformed base64.
std::error_code decode_text_packet(std::string_view text, packet& out);

/// Appends one packet in text-payload form: "<utf16 length>:<packet>", binary as "b4" + base64.
void append_payload_packet(const packet& p, std::string& out);

/// Appends a packet already in its text form (type digit, then data, as a WebSocket text
/// message carries it) in text-payload form: "<utf16 length>:" then the text form.
void append_payload_text(std::string_view text_form, std::string& out);

/// Appends the bytes of a binary message in text-payload form: "<length>:b4" then base64.
void append_payload_binary(std::string_view bytes, std::string& out);

/// A whole text payload: every packet as append_payload_packet() writes it; "0:" for no packets.
std::string encode_payload(std::span<const packet> packets);

/// Decodes a polling POST body: a text payload, or with `binary_body` (an
/// application/octet-stream body) a binary payload. Any malformed packet fails the whole payload;
/// `out` is then empty. Errors: errc::empty_packet for an empty body or packet,
/// errc::invalid_length for a length that is not decimal digits before its separator or does not
/// match the packet, errc::invalid_utf8 for text that is not UTF-8, errc::unknown_packet_type,
/// errc::invalid_base64, errc::too_many_packets. A text payload's "0:" packets are skipped, as
/// the reference does: "0:" alone decodes to no packets.
std::error_code decode_payload(std::string_view body, bool binary_body, std::vector<packet>& out,
                               const payload_limits& limits = {});

/// Decodes a received WebSocket binary message: its first byte is the packet type, the rest the
/// data. errc::empty_packet for no bytes, errc::unknown_packet_type for a type other than
/// binary_message_type.
std::error_code decode_websocket_binary(std::string_view bytes, packet& out);

}  // namespace switchboard::wire::eio::v3
