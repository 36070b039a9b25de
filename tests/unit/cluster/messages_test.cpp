#include "switchboard/cluster/messages.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "npm_fixtures.hpp"
#include "switchboard/wire/error.hpp"

namespace json = boost::json;
using namespace switchboard::cluster;
using switchboard::sio::broadcast_target;
using switchboard::wire::sio::packet;
using switchboard::test::hex;
using switchboard::test::unhex;

namespace {

// ---- The fixtures: bytes published by the real Node packages (tests/fixtures/cluster/generate.mjs). ----

struct fixture {
  std::string channel;
  std::string bytes;
  std::string uid;         // the sender's uid, or the requester's for a reply
  std::string request_id;  // empty when the message has none
};

const json::array& fixture_list() {
  static const json::array messages = [] {
    std::ifstream file(SWITCHBOARD_CLUSTER_FIXTURES);
    std::stringstream text;
    text << file.rdbuf();
    return json::parse(text.str()).at("messages").as_array();
  }();
  return messages;
}

fixture load(std::string_view name) {
  const auto f = switchboard::test::npm_fixture_named(SWITCHBOARD_CLUSTER_FIXTURES, name);
  return {f.channel, f.bytes, f.uid, f.request_id};
}

json::value placeholder(int num) { return json::object{{"_placeholder", true}, {"num", num}}; }

packet event(std::string nsp, json::array data, std::vector<std::string> attachments = {}) {
  packet p;
  p.nsp = std::move(nsp);
  p.data = std::move(data);
  p.attachments = std::move(attachments);
  return p;
}

broadcast_target target(std::set<std::string> rooms, std::set<std::string> except = {}) {
  return {std::move(rooms), std::move(except), {}};
}

void expect_same_target(const broadcast_target& actual, const broadcast_target& expected) {
  EXPECT_EQ(actual.rooms, expected.rooms);
  EXPECT_EQ(actual.except, expected.except);
  EXPECT_EQ(actual.flags.is_volatile, expected.flags.is_volatile);
  EXPECT_EQ(actual.flags.compress, expected.flags.compress);
  EXPECT_EQ(actual.flags.local, expected.flags.local);
  EXPECT_EQ(actual.flags.timeout, expected.flags.timeout);
}

// ---- Channels ----

TEST(ClusterChannels, NamesForKeyAndNamespace) {
  const channels root("socket.io", "/");
  EXPECT_EQ(root.broadcast(), "socket.io#/#");
  EXPECT_EQ(root.broadcast_pattern(), "socket.io#/#*");
  EXPECT_EQ(root.room("room1"), "socket.io#/#room1#");
  EXPECT_EQ(root.request(), "socket.io-request#/#");
  EXPECT_EQ(root.response(), "socket.io-response#/#");
  EXPECT_EQ(root.response_for("id0001"), "socket.io-response#/#id0001#");
  const channels chat("sb", "/chat");
  EXPECT_EQ(chat.broadcast(), "sb#/chat#");
  EXPECT_EQ(chat.request(), "sb-request#/chat#");
}

TEST(ClusterChannels, BroadcastGoesToTheRoomChannelOnlyForOneRoom) {
  const channels c("socket.io", "/");
  EXPECT_EQ(c.broadcast_for(target({})), "socket.io#/#");
  EXPECT_EQ(c.broadcast_for(target({"a"}, {"x"})), "socket.io#/#a#");
  EXPECT_EQ(c.broadcast_for(target({"a", "b"})), "socket.io#/#");
}

TEST(ClusterChannels, ParsesIncomingBroadcastChannels) {
  const channels c("socket.io", "/");
  EXPECT_EQ(c.broadcast_room("socket.io#/#"), std::optional<std::string_view>(""));
  EXPECT_EQ(c.broadcast_room("socket.io#/#room1#"), std::optional<std::string_view>("room1"));
  EXPECT_EQ(c.broadcast_room("socket.io#/#a#b#"), std::optional<std::string_view>("a#b"));
  EXPECT_EQ(c.broadcast_room("socket.io#/##"), std::optional<std::string_view>(""));
  EXPECT_EQ(c.broadcast_room("socket.io#/#room1"), std::nullopt);
  EXPECT_EQ(c.broadcast_room("socket.io#/chat#"), std::nullopt);
  EXPECT_EQ(c.broadcast_room("other#/#"), std::nullopt);
  EXPECT_EQ(c.broadcast_room("socket.io-request#/#"), std::nullopt);
}

// ---- Broadcasts ----

void check_broadcast(std::string_view name, const channels& c, broadcast_message expected,
                     layout order = layout::adapter) {
  SCOPED_TRACE(name);
  const fixture f = load(name);
  expected.uid = f.uid;
  EXPECT_EQ(c.broadcast_for(expected.target), f.channel);

  std::string encoded;
  ASSERT_FALSE(encode_broadcast(expected, encoded, order));
  EXPECT_EQ(hex(encoded), hex(f.bytes));

  broadcast_message decoded;
  ASSERT_FALSE(decode_broadcast(f.bytes, decoded));
  EXPECT_EQ(decoded.uid, expected.uid);
  EXPECT_TRUE(broadcast_sent_by(f.bytes, f.uid));
  EXPECT_FALSE(broadcast_sent_by(f.bytes, f.uid.substr(1)));
  EXPECT_FALSE(broadcast_sent_by(f.bytes, "zzzzzz"));
  EXPECT_FALSE(broadcast_sent_by(f.bytes.substr(0, 1 + f.uid.size()), f.uid));
  EXPECT_EQ(decoded.packet, expected.packet);
  expect_same_target(decoded.target, expected.target);
}

TEST(ClusterBroadcast, AdapterBroadcasts) {
  const channels root("socket.io", "/");
  check_broadcast("adapter_broadcast_all", root,
                  {"", event("/", {"hello", "world", 1, -2, 1.5, true, nullptr, json::object{{"a", {1, 2}}, {"b", "x"}}}),
                   target({})});
  check_broadcast("adapter_broadcast_room_binary", root,
                  {"", event("/", {"file", placeholder(0), json::object{{"nested", placeholder(1)}}}, {"\x01\x02\x03", "abc"}),
                   target({"room1"}, {"x"})});
  broadcast_target flagged = target({"a", "b"}, {"c", "d"});
  flagged.flags.is_volatile = true;
  flagged.flags.compress = false;
  check_broadcast("adapter_broadcast_rooms_flags", channels("socket.io", "/chat"),
                  {"", event("/chat", {"news", "text"}), flagged});
}

TEST(ClusterBroadcast, EmitterBroadcasts) {
  check_broadcast("emitter_broadcast_all", channels("socket.io", "/"), {"", event("/", {"hello", 1, "two"}), target({})},
                  layout::emitter);
  broadcast_target volatile_room = target({"room1"}, {"x"});
  volatile_room.flags.is_volatile = true;
  check_broadcast("emitter_broadcast_room_binary", channels("socket.io", "/chat"),
                  {"", event("/chat", {"file", placeholder(0)}, {std::string("\x00\xff", 2)}), volatile_room},
                  layout::emitter);
  broadcast_target uncompressed = target({"a", "b"});
  uncompressed.flags.compress = false;
  check_broadcast("emitter_broadcast_rooms_compress", channels("socket.io", "/"), {"", event("/", {"news"}), uncompressed},
                  layout::emitter);
  check_broadcast("emitter_custom_key", channels("sb", "/"), {"", event("/", {"x"}), target({"r"})}, layout::emitter);
}

TEST(ClusterBroadcast, LocalFlagAndBinaryEventTypeAreWrittenAsNodeWould) {
  broadcast_message m{"id0001", event("/", {"e", placeholder(0)}, {"z"}), target({})};
  m.packet.type = switchboard::wire::sio::packet_type::binary_event;
  m.packet.id = 7;  // ack ids are never published
  m.target.flags.local = true;
  std::string out;
  ASSERT_FALSE(encode_broadcast(m, out));
  broadcast_message decoded;
  ASSERT_FALSE(decode_broadcast(out, decoded));
  EXPECT_EQ(decoded.packet.type, switchboard::wire::sio::packet_type::event);
  EXPECT_EQ(decoded.packet.id, std::nullopt);
  EXPECT_TRUE(decoded.target.flags.local);
  EXPECT_EQ(decoded.packet.attachments, std::vector<std::string>{"z"});
}

TEST(ClusterBroadcast, EncodeRefusesWhatIsNotAnEvent) {
  std::string out;
  broadcast_message m{"u", event("/", {"e"}), target({})};
  m.packet.data.reset();
  EXPECT_EQ(encode_broadcast(m, out), message_errc::invalid_packet);
  m.packet = event("/", {"e", placeholder(1)}, {"only one"});
  EXPECT_EQ(encode_broadcast(m, out), switchboard::wire::errc::invalid_attachments);
  EXPECT_TRUE(out.empty());
}

// ---- Requests ----

template <typename Request>
Request check_request(std::string_view name, const request& expected) {
  SCOPED_TRACE(name);
  const fixture f = load(name);
  std::string encoded;
  EXPECT_FALSE(encode_request(expected, encoded));
  EXPECT_EQ(encoded, f.bytes) << hex(encoded) << "\n" << hex(f.bytes);

  request decoded;
  EXPECT_FALSE(decode_request(f.bytes, decoded));
  EXPECT_TRUE(std::holds_alternative<Request>(decoded));
  return std::holds_alternative<Request>(decoded) ? std::get<Request>(decoded) : Request{};
}

TEST(ClusterRequests, AllRoomsAndLegacySockets) {
  const fixture rooms = load("adapter_all_rooms");
  EXPECT_EQ(rooms.channel, channels("socket.io", "/").request());
  const all_rooms_request all{rooms.uid, rooms.request_id};
  EXPECT_EQ(check_request<all_rooms_request>("adapter_all_rooms", all), all);

  const fixture legacy = load("legacy_sockets_request");
  const sockets_request sockets{legacy.uid, legacy.request_id, {"room1"}};
  EXPECT_EQ(check_request<sockets_request>("legacy_sockets_request", sockets), sockets);
}

TEST(ClusterRequests, RemoteFetch) {
  const fixture f = load("adapter_fetch_sockets");
  const remote_fetch_request expected{f.uid, f.request_id, target({"room1"}, {"x"})};
  const auto decoded = check_request<remote_fetch_request>("adapter_fetch_sockets", expected);
  EXPECT_EQ(decoded.uid, f.uid);
  EXPECT_EQ(decoded.request_id, f.request_id);
  expect_same_target(decoded.target, expected.target);
}

TEST(ClusterRequests, JoinLeaveFromTheAdapter) {
  const fixture join = load("adapter_sockets_join");
  const remote_join_request expected_join{join.uid, target({"room1"}, {"x"}), {"r2", "r3"}};
  const auto decoded_join = check_request<remote_join_request>("adapter_sockets_join", expected_join);
  EXPECT_EQ(decoded_join.uid, join.uid);
  EXPECT_EQ(decoded_join.rooms, expected_join.rooms);
  expect_same_target(decoded_join.target, expected_join.target);

  const fixture leave = load("adapter_sockets_leave");
  EXPECT_EQ(leave.channel, channels("socket.io", "/chat").request());
  const remote_leave_request expected_leave{leave.uid, target({}), {"r2"}};
  const auto decoded_leave = check_request<remote_leave_request>("adapter_sockets_leave", expected_leave);
  EXPECT_EQ(decoded_leave.uid, leave.uid);
  EXPECT_EQ(decoded_leave.rooms, expected_leave.rooms);
  expect_same_target(decoded_leave.target, expected_leave.target);
}

TEST(ClusterRequests, JoinLeaveDisconnectFromTheEmitterHaveNoUid) {
  const auto join = check_request<remote_join_request>(
      "emitter_sockets_join", remote_join_request{std::nullopt, target({"a"}), {"r"}});
  EXPECT_EQ(join.uid, std::nullopt);
  expect_same_target(join.target, target({"a"}));
  const auto leave = check_request<remote_leave_request>(
      "emitter_sockets_leave", remote_leave_request{std::nullopt, target({}, {"b"}), {"r", "s"}});
  EXPECT_EQ(leave.rooms, (std::vector<std::string>{"r", "s"}));
  expect_same_target(leave.target, target({}, {"b"}));
  const auto disconnect = check_request<remote_disconnect_request>(
      "emitter_disconnect_sockets", remote_disconnect_request{std::nullopt, target({}), false});
  EXPECT_FALSE(disconnect.close);
}

TEST(ClusterRequests, Disconnect) {
  const fixture f = load("adapter_disconnect_sockets");
  const auto decoded = check_request<remote_disconnect_request>(
      "adapter_disconnect_sockets", remote_disconnect_request{f.uid, target({"room1"}), true});
  EXPECT_EQ(decoded.uid, f.uid);
  EXPECT_TRUE(decoded.close);
  expect_same_target(decoded.target, target({"room1"}));
}

TEST(ClusterRequests, ServerSideEmit) {
  const fixture plain = load("adapter_server_side_emit");
  const server_side_emit_request expected_plain{plain.uid, std::nullopt, {"hello", json::object{{"a", 1}}, {2, "3"}}};
  EXPECT_EQ(check_request<server_side_emit_request>("adapter_server_side_emit", expected_plain), expected_plain);

  const fixture with_ack = load("adapter_server_side_emit_ack");
  const server_side_emit_request expected_ack{with_ack.uid, with_ack.request_id, {"ping", 1}};
  EXPECT_EQ(check_request<server_side_emit_request>("adapter_server_side_emit_ack", expected_ack), expected_ack);

  const server_side_emit_request emitter{"emitter", std::nullopt, {"hello", 1}};
  EXPECT_EQ(check_request<server_side_emit_request>("emitter_server_side_emit", emitter), emitter);
}

TEST(ClusterRequests, BroadcastWithAck) {
  const fixture f = load("adapter_broadcast_with_ack");
  EXPECT_EQ(f.channel, channels("socket.io", "/").request());
  broadcast_request expected{f.uid, f.request_id, event("/", {"ask", placeholder(0)}, {"\x09"}), target({"room1"})};
  expected.target.flags.timeout = std::chrono::milliseconds(1500);
  const auto decoded = check_request<broadcast_request>("adapter_broadcast_with_ack", expected);
  EXPECT_EQ(decoded.uid, f.uid);
  EXPECT_EQ(decoded.request_id, f.request_id);
  EXPECT_EQ(decoded.packet, expected.packet);
  expect_same_target(decoded.target, expected.target);
}

TEST(ClusterRequests, RemoteSocketEmitWithAckDecodes) {
  const fixture f = load("remote_socket_emit_with_ack");
  request decoded;
  ASSERT_FALSE(decode_request(f.bytes, decoded));
  const auto& r = std::get<broadcast_request>(decoded);
  EXPECT_EQ(r.request_id, f.request_id);
  EXPECT_EQ(r.packet, event("/", {"dm"}));
  broadcast_target expected = target({"sock0000000000000001"});
  expected.flags.timeout = std::chrono::milliseconds(500);
  expect_same_target(r.target, expected);  // expectSingleResponse is ignored
}

// ---- Replies ----

using pending_map = std::map<std::string, request_type, std::less<>>;

pending_lookup lookup(pending_map pending) {
  return [pending = std::move(pending)](std::string_view id) -> std::optional<request_type> {
    const auto it = pending.find(id);
    return it == pending.end() ? std::nullopt : std::optional(it->second);
  };
}

template <typename Response>
void check_response(std::string_view name, request_type pending, const std::string& channel,
                    const Response& expected) {
  SCOPED_TRACE(name);
  const fixture f = load(name);
  EXPECT_EQ(f.channel, channel);
  std::string encoded;
  EXPECT_FALSE(encode_response(expected, encoded));
  EXPECT_EQ(encoded, f.bytes) << hex(encoded) << "\n" << hex(f.bytes);

  response decoded;
  ASSERT_FALSE(decode_response(f.bytes, lookup({{f.request_id, pending}}), decoded));
  ASSERT_TRUE(std::holds_alternative<Response>(decoded));
  EXPECT_EQ(std::get<Response>(decoded), expected);
}

TEST(ClusterResponses, SocketsAndAllRooms) {
  const fixture sockets = load("reply_sockets");
  const channels c("socket.io", "/");
  check_response("reply_sockets", request_type::sockets, c.response_for(sockets.uid),
                 sockets_response{sockets.request_id, {"sock0000000000000001"}});
  const fixture rooms = load("reply_all_rooms");
  check_response("reply_all_rooms", request_type::all_rooms, c.response_for(rooms.uid),
                 all_rooms_response{rooms.request_id, {"sock0000000000000001", "room1"}});
}

TEST(ClusterResponses, RemoteFetch) {
  const fixture f = load("reply_fetch_sockets");
  const json::object handshake = json::parse(R"js({
    "headers": {"host": "localhost:3000", "connection": "Upgrade", "upgrade": "websocket"},
    "time": "Thu Jan 01 2026 00:00:00 GMT+0000 (Coordinated Universal Time)",
    "address": "::1", "xdomain": false, "secure": false, "issued": 1767225600000,
    "url": "/socket.io/?room=x&EIO=4&transport=websocket",
    "query": {"room": "x", "EIO": "4", "transport": "websocket"},
    "auth": {"token": "abc"}})js").as_object();
  const remote_socket socket{"sock0000000000000001", handshake, {"sock0000000000000001", "room1"},
                             json::object{{"user", "u1"}, {"n", 2}}};
  check_response("reply_fetch_sockets", request_type::remote_fetch,
                 channels("socket.io", "/").response_for(f.uid), remote_fetch_response{f.request_id, {socket}});
}

TEST(ClusterResponses, ServerSideEmitAcksGoToTheSharedChannel) {
  const std::string shared = channels("socket.io", "/").response();
  const fixture f = load("reply_server_side_emit");
  check_response("reply_server_side_emit", request_type::server_side_emit, shared,
                 server_side_emit_response{f.request_id, json::value(json::object{{"pong", 1}})});
  const fixture empty = load("reply_server_side_emit_empty");
  check_response("reply_server_side_emit_empty", request_type::server_side_emit, shared,
                 server_side_emit_response{empty.request_id, std::nullopt});
}

TEST(ClusterResponses, BroadcastClientCountAndAck) {
  const fixture count = load("reply_broadcast_client_count");
  const std::string channel = channels("socket.io", "/").response_for(count.uid);
  check_response("reply_broadcast_client_count", request_type::broadcast, channel,
                 broadcast_client_count_response{count.request_id, 1});
  const fixture ack = load("reply_broadcast_ack");
  check_response("reply_broadcast_ack", request_type::broadcast, channel,
                 broadcast_ack_response{ack.request_id, placeholder(0), {"\x07\x08"}});
}

TEST(ClusterResponses, AckWithoutArgumentsHasNoPacket) {
  const broadcast_ack_response none{"id0003", std::nullopt, {}};
  std::string out;
  ASSERT_FALSE(encode_response(none, out));
  response decoded;
  ASSERT_FALSE(decode_response(out, lookup({{"id0003", request_type::broadcast}}), decoded));
  EXPECT_EQ(std::get<broadcast_ack_response>(decoded), none);
}

// ---- Malformed input ----

std::error_code decode_any_request(std::string_view bytes) {
  request r;
  return decode_request(bytes, r);
}

std::error_code decode_any_response(std::string_view bytes, request_type pending) {
  response r;
  return decode_response(bytes, [pending](std::string_view) { return std::optional(pending); }, r);
}

std::error_code decode_any_broadcast(std::string_view bytes) {
  broadcast_message m;
  return decode_broadcast(bytes, m);
}

TEST(ClusterMalformed, EveryTruncatedFixtureFails) {
  for (const json::value& m : fixture_list()) {
    const std::string name(m.at("name").as_string());
    const std::string bytes = unhex(m.at("hex").as_string());
    for (std::size_t n = 0; n < bytes.size(); ++n) {
      const std::string_view prefix(bytes.data(), n);
      EXPECT_TRUE(decode_any_broadcast(prefix)) << name << " " << n;
      EXPECT_TRUE(decode_any_request(prefix)) << name << " " << n;
      for (int type = 0; type <= 9; ++type) {
        EXPECT_TRUE(decode_any_response(prefix, static_cast<request_type>(type))) << name << " " << n;
      }
    }
  }
}

// Each fixture with one byte changed: decoding fails cleanly, or gives what encodes again.
TEST(ClusterMalformed, MutatedFixturesFailOrStayEncodable) {
  for (const json::value& m : fixture_list()) {
    const std::string original = unhex(m.at("hex").as_string());
    for (std::size_t i = 0; i < original.size(); ++i) {
      for (const char replacement : {'\x00', '\x7b', '\x90', '\xc4', '\xdc', '\xff'}) {
        std::string bytes = original;
        bytes[i] = replacement;
        std::string out;
        broadcast_message b;
        if (!decode_broadcast(bytes, b)) {
          EXPECT_FALSE(encode_broadcast(b, out));
        }
        request r;
        if (!decode_request(bytes, r)) {
          EXPECT_FALSE(encode_request(r, out));
        }
        response reply;
        if (!decode_response(bytes, [](std::string_view) { return std::optional(request_type::broadcast); }, reply)) {
          EXPECT_FALSE(encode_response(reply, out));
        }
      }
    }
  }
}

TEST(ClusterMalformed, UnknownTypes) {
  EXPECT_EQ(decode_any_request(R"({"uid":"u","type":10})"), message_errc::unknown_type);
  EXPECT_EQ(decode_any_request(R"({"uid":"u","type":8,"requestId":"r","clientCount":1})"), message_errc::unknown_type);
  EXPECT_EQ(decode_any_request(R"({"uid":"u","type":-1})"), message_errc::invalid_field);
  EXPECT_EQ(decode_any_request(R"({"uid":"u","type":2.5})"), message_errc::invalid_field);
  EXPECT_EQ(decode_any_request(R"({"uid":"u","type":"1"})"), message_errc::invalid_field);
  EXPECT_EQ(decode_any_request(R"({"uid":"u","requestId":"r"})"), message_errc::missing_field);
  EXPECT_EQ(decode_any_response(R"({"type":7,"requestId":"r"})", request_type::broadcast), message_errc::unknown_type);
  EXPECT_EQ(decode_any_response(R"({"requestId":"r"})", request_type::remote_join), message_errc::unknown_type);
}

TEST(ClusterMalformed, WrongShapes) {
  EXPECT_EQ(decode_any_request("[1,2]"), switchboard::wire::errc::trailing_bytes);  // not '{': MessagePack
  EXPECT_EQ(decode_any_request("\x92\x01\x02"), message_errc::invalid_message);
  EXPECT_EQ(decode_any_request("{"), switchboard::wire::errc::invalid_json);
  EXPECT_EQ(decode_any_request(""), switchboard::wire::errc::truncated);
  EXPECT_EQ(decode_any_request(R"({"uid":1,"requestId":"r","type":1})"), message_errc::invalid_field);
  EXPECT_EQ(decode_any_request(R"({"uid":"u","type":2,"opts":{"rooms":"a"},"rooms":[]})"), message_errc::invalid_field);
  EXPECT_EQ(decode_any_request(R"({"uid":"u","type":2,"opts":{"rooms":[1]},"rooms":[]})"), message_errc::invalid_field);
  EXPECT_EQ(decode_any_request(R"({"uid":"u","type":2,"opts":[],"rooms":[]})"), message_errc::invalid_field);
  EXPECT_EQ(decode_any_request(R"({"uid":"u","type":2,"rooms":["r"]})"), message_errc::missing_field);
  EXPECT_EQ(decode_any_request(R"({"uid":"u","type":4,"opts":{},"close":1})"), message_errc::invalid_field);
  EXPECT_EQ(decode_any_request(R"({"uid":"u","type":6,"data":"hello"})"), message_errc::invalid_field);
  EXPECT_EQ(decode_any_request(R"({"uid":"u","type":6,"data":[]})"), message_errc::invalid_field);
  EXPECT_EQ(decode_any_response(R"({"requestId":"r","sockets":"x"})", request_type::sockets), message_errc::invalid_field);
  EXPECT_EQ(decode_any_response(R"({"requestId":"r","sockets":["x"]})", request_type::remote_fetch),
            message_errc::invalid_field);
  EXPECT_EQ(decode_any_response(R"({"requestId":"r","sockets":[{"id":"x","rooms":[]}]})", request_type::remote_fetch),
            message_errc::missing_field);
  EXPECT_EQ(decode_any_response(R"({"requestId":"r"})", request_type::all_rooms), message_errc::missing_field);
  EXPECT_EQ(decode_any_response(R"({"requestId":7,"rooms":[]})", request_type::all_rooms), message_errc::invalid_field);
  EXPECT_EQ(decode_any_response(R"({"type":8,"requestId":"r","clientCount":-1})", request_type::broadcast),
            message_errc::invalid_field);
}

TEST(ClusterMalformed, UnknownRequestId) {
  response r;
  EXPECT_EQ(decode_response(R"({"requestId":"zzz","rooms":[]})", lookup({}), r), message_errc::unknown_request);
}

// Encodes `value` (placeholders for `attachments`) with the MessagePack codec, for hand-made inputs.
std::string pack(const json::value& value, std::vector<std::string> attachments = {}) {
  std::string out;
  EXPECT_FALSE(switchboard::wire::msgpack::encode(value, attachments, out));
  return out;
}

TEST(ClusterMalformed, BadBroadcasts) {
  const json::object ok_packet{{"type", 2}, {"data", {"e"}}, {"nsp", "/"}};
  const json::object opts{{"rooms", json::array{}}, {"except", json::array{}}, {"flags", json::object{}}};
  EXPECT_FALSE(decode_any_broadcast(pack({"u", ok_packet, opts})));
  EXPECT_EQ(decode_any_broadcast(pack({"u", ok_packet})), message_errc::invalid_message);
  EXPECT_EQ(decode_any_broadcast(pack(json::object{})), message_errc::invalid_message);
  EXPECT_EQ(decode_any_broadcast(pack({1, ok_packet, opts})), message_errc::invalid_field);
  EXPECT_EQ(decode_any_broadcast(pack({"u", ok_packet, "opts"})), message_errc::invalid_field);
  EXPECT_EQ(decode_any_broadcast(pack({"u", {{"type", 3}, {"data", {"e"}}}, opts})), message_errc::invalid_packet);
  EXPECT_EQ(decode_any_broadcast(pack({"u", {{"type", 2}, {"data", json::array{}}}, opts})), message_errc::invalid_packet);
  EXPECT_EQ(decode_any_broadcast(pack({"u", {{"type", 2}, {"data", {"e"}}, {"nsp", 1}}, opts})),
            message_errc::invalid_packet);
  EXPECT_EQ(decode_any_broadcast(pack({"u", ok_packet, {{"flags", {{"volatile", 1}}}}})), message_errc::invalid_field);
  EXPECT_EQ(decode_any_broadcast(pack({"u", ok_packet, {{"flags", {{"timeout", -5}}}}})), message_errc::invalid_field);
  // A bin outside the packet's data: attachments and placeholders disagree.
  EXPECT_EQ(decode_any_broadcast(pack({placeholder(0), ok_packet, opts}, {"b"})), message_errc::invalid_field);
  EXPECT_EQ(decode_any_broadcast(pack({"u", ok_packet, {{"flags", {{"x", placeholder(0)}}}}}, {"b"})),
            switchboard::wire::errc::invalid_attachments);
}

TEST(ClusterMalformed, MissingNamespaceMeansRoot) {
  broadcast_message m;
  ASSERT_FALSE(decode_broadcast(pack({"u", {{"type", 2}, {"data", {"e"}}}, json::object{}}), m));
  EXPECT_EQ(m.packet.nsp, "/");
}

TEST(ClusterMalformed, BinaryOnlyWhereMessagePackCarriesIt) {
  const json::object sse{{"uid", "u"}, {"type", 6}, {"data", {"e", placeholder(0)}}};
  EXPECT_EQ(decode_any_request(pack(sse, {"b"})), message_errc::invalid_field);
  const json::object count{{"type", 8}, {"requestId", "r"}, {"clientCount", placeholder(0)}};
  EXPECT_EQ(decode_any_response(pack(count, {"b"}), request_type::broadcast), message_errc::invalid_field);
}

TEST(ClusterMalformed, HugeCountsAndDepthAreBounded) {
  // An array announcing 2^32 - 1 elements, a map announcing as many entries, deep nesting.
  EXPECT_TRUE(decode_any_broadcast(std::string("\xdd\xff\xff\xff\xff", 5)));
  EXPECT_TRUE(decode_any_request(std::string("\xdf\xff\xff\xff\xff", 5)));
  EXPECT_TRUE(decode_any_request(std::string("\xc6\xff\xff\xff\xff", 5)));
  EXPECT_EQ(decode_any_request(R"({"uid":"u","type":6,"data":)" + std::string(100, '[') + std::string(100, ']') + "}"),
            switchboard::wire::errc::nesting_too_deep);
  broadcast_message m;
  decode_limits tight;
  tight.max_elements = 4;
  const fixture f = load("adapter_broadcast_all");
  EXPECT_EQ(decode_broadcast(f.bytes, m, tight), switchboard::wire::errc::too_large);
}

}  // namespace
