// RFC 6455 framing, against the examples of section 5.7 and the rules of section 5.
#include "websocket_frames.hpp"

#include <gtest/gtest.h>

namespace ws = switchboard::http::detail::ws;

namespace {

std::string bytes(std::initializer_list<unsigned> values) {
  std::string s;
  for (unsigned v : values) s.push_back(static_cast<char>(v));
  return s;
}

ws::parsed parse(const std::string& frame, ws::client_header& header) { return ws::parse_client_header(frame, header); }

}  // namespace

TEST(WebSocketFrames, MaskedHelloFromRfc6455) {
  std::string frame = bytes({0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58});
  ws::client_header header;
  ASSERT_EQ(parse(frame, header), ws::parsed::complete);
  EXPECT_TRUE(header.fin);
  EXPECT_EQ(header.op, ws::opcode::text);
  EXPECT_EQ(header.length, 5u);
  EXPECT_EQ(header.size, 6u);
  ws::unmask(frame.data() + header.size, 5, header.mask);
  EXPECT_EQ(frame.substr(header.size), "Hello");
}

TEST(WebSocketFrames, UnmaskingInPiecesUsesTheOffset) {
  std::string frame = bytes({0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58});
  ws::client_header header;
  ASSERT_EQ(parse(frame, header), ws::parsed::complete);
  ws::unmask(frame.data() + 6, 3, header.mask, 0);
  ws::unmask(frame.data() + 9, 2, header.mask, 3);
  EXPECT_EQ(frame.substr(6), "Hello");
}

TEST(WebSocketFrames, ServerHeadersOfEachLengthForm) {
  unsigned char out[ws::max_header_size];
  ASSERT_EQ(ws::write_server_header(ws::opcode::text, 5, out), 2u);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(out), 2), bytes({0x81, 0x05}));
  ASSERT_EQ(ws::write_server_header(ws::opcode::binary, 256, out), 4u);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(out), 4), bytes({0x82, 0x7e, 0x01, 0x00}));
  ASSERT_EQ(ws::write_server_header(ws::opcode::binary, 65536, out), 10u);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(out), 10), bytes({0x82, 0x7f, 0, 0, 0, 0, 0, 1, 0, 0}));
  ASSERT_EQ(ws::write_server_header(ws::opcode::text, 125, out), 2u);
  ASSERT_EQ(ws::write_server_header(ws::opcode::text, 126, out), 4u);
  ASSERT_EQ(ws::write_server_header(ws::opcode::text, 65535, out), 4u);
}

TEST(WebSocketFrames, ControlFramesFromRfc6455) {
  EXPECT_EQ(ws::server_frame(ws::opcode::pong, "Hello"), bytes({0x8a, 0x05, 'H', 'e', 'l', 'l', 'o'}));
  EXPECT_EQ(ws::close_frame(ws::close_code::too_big), bytes({0x88, 0x02, 0x03, 0xf1}));
}

TEST(WebSocketFrames, FragmentsAndExtendedLengths) {
  ws::client_header header;
  ASSERT_EQ(parse(bytes({0x01, 0x83, 0, 0, 0, 0}), header), ws::parsed::complete);
  EXPECT_FALSE(header.fin);
  EXPECT_EQ(header.op, ws::opcode::text);
  ASSERT_EQ(parse(bytes({0x80, 0x82, 0, 0, 0, 0}), header), ws::parsed::complete);
  EXPECT_EQ(header.op, ws::opcode::continuation);
  ASSERT_EQ(parse(bytes({0x82, 0xfe, 0x01, 0x00, 1, 2, 3, 4}), header), ws::parsed::complete);
  EXPECT_EQ(header.length, 256u);
  EXPECT_EQ(header.size, 8u);
  ASSERT_EQ(parse(bytes({0x82, 0xff, 0, 0, 0, 0, 0, 1, 0, 0, 1, 2, 3, 4}), header), ws::parsed::complete);
  EXPECT_EQ(header.length, 65536u);
  EXPECT_EQ(header.size, 14u);
}

TEST(WebSocketFrames, IncompleteHeadersWaitForMoreBytes) {
  const std::string frame = bytes({0x82, 0xff, 0, 0, 0, 0, 0, 1, 0, 0, 1, 2, 3, 4});
  ws::client_header header;
  for (std::size_t n = 0; n < frame.size(); ++n) {
    EXPECT_EQ(ws::parse_client_header(std::string_view(frame).substr(0, n), header), ws::parsed::incomplete) << n;
  }
}

TEST(WebSocketFrames, WhatAServerMustFailTheConnectionFor) {
  ws::client_header header;
  EXPECT_EQ(parse(bytes({0x81, 0x05, 'H', 'e', 'l', 'l', 'o'}), header), ws::parsed::protocol_error);  // unmasked
  EXPECT_EQ(parse(bytes({0xc1, 0x80, 0, 0, 0, 0}), header), ws::parsed::protocol_error);  // RSV1 without an extension
  EXPECT_EQ(parse(bytes({0x83, 0x80, 0, 0, 0, 0}), header), ws::parsed::protocol_error);  // reserved opcode
  EXPECT_EQ(parse(bytes({0x8b, 0x80, 0, 0, 0, 0}), header), ws::parsed::protocol_error);  // reserved control opcode
  EXPECT_EQ(parse(bytes({0x09, 0x80, 0, 0, 0, 0}), header), ws::parsed::protocol_error);  // fragmented ping
  EXPECT_EQ(parse(bytes({0x89, 0xfe, 0, 126, 0, 0, 0, 0}), header), ws::parsed::protocol_error);  // ping over 125
  EXPECT_EQ(parse(bytes({0x82, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4}), header), ws::parsed::protocol_error);
}

TEST(WebSocketHandshake, AcceptKeyFromRfc6455) {
  EXPECT_EQ(ws::accept_key("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST(WebSocketHandshake, SwitchesProtocolsForAValidKey) {
  const auto answer = ws::answer_handshake("dGhlIHNhbXBsZSBub25jZQ==", "13");
  EXPECT_TRUE(answer.accepted);
  EXPECT_EQ(answer.bytes,
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n");
}

TEST(WebSocketHandshake, RefusesOtherVersionsWithTheOneItSpeaks) {
  const auto answer = ws::answer_handshake("dGhlIHNhbXBsZSBub25jZQ==", "8");
  EXPECT_FALSE(answer.accepted);
  EXPECT_TRUE(answer.bytes.starts_with("HTTP/1.1 426 Upgrade Required\r\n"));
  EXPECT_NE(answer.bytes.find("Sec-WebSocket-Version: 13\r\n"), std::string::npos);
}

TEST(WebSocketHandshake, RefusesMissingOrMalformedKeys) {
  for (const char* key : {"", "dGhlIHNhbXBsZSBub25jZQ", "dGhlIHNhbXBsZSBub25jZQ=!", "dGhlIHNhbXBsZSBub25jZSE="}) {
    const auto answer = ws::answer_handshake(key, "13");
    EXPECT_FALSE(answer.accepted) << key;
    EXPECT_TRUE(answer.bytes.starts_with("HTTP/1.1 400 Bad Request\r\n")) << key;
  }
}

TEST(WebSocketFrames, CloseCodesAPeerMaySend) {
  for (const std::uint16_t code : {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 4999}) {
    EXPECT_TRUE(ws::is_valid_close_code(code)) << code;
  }
  for (const std::uint16_t code : {0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000}) {
    EXPECT_FALSE(ws::is_valid_close_code(code)) << code;
  }
}

TEST(WebSocketFrames, CloseAnswers) {
  EXPECT_EQ(ws::close_answer("").code, 0);
  EXPECT_TRUE(ws::close_answer("").valid);
  EXPECT_EQ(ws::close_answer(bytes({0x0f, 0xa0})).code, 4000);  // echoed
  EXPECT_TRUE(ws::close_answer(bytes({0x0f, 0xa0})).valid);
  EXPECT_EQ(ws::close_answer(bytes({0x03})).code, ws::close_code::protocol_error);
  EXPECT_EQ(ws::close_answer(bytes({0x03, 0xed})).code, ws::close_code::protocol_error);  // 1005
  EXPECT_EQ(ws::close_answer(bytes({0x03, 0xe8, 0xff})).code, ws::close_code::invalid_payload);
  EXPECT_FALSE(ws::close_answer(bytes({0x03, 0xe8, 0xff})).valid);
}
