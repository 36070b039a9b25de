// What the Admin UI is sent: dates as JavaScript writes them, remote sockets from their _admin
// data, and never a credential of a user.
#include <gtest/gtest.h>

#include "reports.hpp"

namespace switchboard::admin::detail {
namespace {

namespace json = boost::json;

TEST(Reports, DatesAreWrittenAsDateToJSON) {
  const std::chrono::system_clock::time_point t{std::chrono::milliseconds(1700000000123)};
  EXPECT_EQ(js_date(t), "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(js_date(std::chrono::system_clock::time_point{}), "1970-01-01T00:00:00.000Z");
}

TEST(Reports, ARemoteSocketTakesItsClientIdAndTransportFromItsAdminData) {
  sio::socket_info info;
  info.id = "abc";
  info.rooms = {"abc", "room"};
  info.data = json::object{{"userId", "7"},
                           {"_admin", {{"clientId", "0123456789ab"}, {"transport", "polling"}}},
                           {"_admin_session", "0011223344556677"}};
  info.handshake = json::object{{"headers", {{"authorization", "Bearer secret"}, {"cookie", "sid=1"}, {"host", "x"}}},
                                {"query", {{"token", "t"}, {"EIO", "4"}}},
                                {"url", "/socket.io/?EIO=4&token=t&x=1&xtoken=keep"},
                                {"auth", {{"token", "secret"}}}};
  const json::object s = serialize_socket(info, "/chat");
  EXPECT_EQ(s.at("id"), "abc");
  EXPECT_EQ(s.at("clientId"), "0123456789ab");
  EXPECT_EQ(s.at("transport"), "polling");
  EXPECT_EQ(s.at("nsp"), "/chat");
  EXPECT_EQ(s.at("data"), (json::object{{"userId", "7"}}));  // without _admin
  EXPECT_EQ(s.at("rooms"), (json::array{"abc", "room"}));
  const auto& handshake = s.at("handshake").as_object();
  EXPECT_FALSE(handshake.contains("auth"));
  EXPECT_EQ(handshake.at("headers").at("authorization"), "[redacted]");
  EXPECT_EQ(handshake.at("headers").at("cookie"), "[redacted]");
  EXPECT_EQ(handshake.at("headers").at("host"), "x");
  EXPECT_EQ(handshake.at("query").at("token"), "[redacted]");
  EXPECT_EQ(handshake.at("query").at("EIO"), "4");
  EXPECT_EQ(handshake.at("url"), "/socket.io/?EIO=4&token=[redacted]&x=1&xtoken=keep");
  // The UI reads these keys in this order.
  std::vector<std::string> keys;
  for (const auto& [key, value] : s) keys.emplace_back(key);
  EXPECT_EQ(keys, (std::vector<std::string>{"id", "clientId", "transport", "nsp", "data", "handshake", "rooms"}));
}

TEST(Reports, ASocketWithoutAdminDataStillSerializes) {
  sio::socket_info info;
  info.id = "x";
  const json::object s = serialize_socket(info, "/");
  EXPECT_EQ(s.at("clientId"), "");
  EXPECT_EQ(s.at("transport"), "websocket");
  EXPECT_EQ(s.at("handshake"), json::object{});
}

}  // namespace
}  // namespace switchboard::admin::detail
