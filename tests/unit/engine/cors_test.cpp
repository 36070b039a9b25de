// A refused origin gets nothing reflected; the server's own origin is always allowed.
#include <gtest/gtest.h>

#include "engine_fixture.hpp"
#include "switchboard/engine/cors.hpp"

namespace {

using namespace engine_test;

sb::engine::options with_origins(std::vector<std::string> origins) {
  sb::engine::options o;
  o.cors.origins = std::move(origins);
  return o;
}

TEST(Cors, RefusedPreflightReflectsNothing) {
  engine_fixture f(with_origins({"https://app.example.com"}));
  const auto refused = request(f.port(), "OPTIONS", "/engine.io/?EIO=4&transport=polling",
                               {{"Origin", "https://evil.com"}, {"Access-Control-Request-Method", "POST"}});
  EXPECT_EQ(refused.status, 403u);
  EXPECT_EQ(refused.body, R"({"code":4,"message":"Forbidden"})");
  EXPECT_FALSE(refused.has("access-control-allow-origin"));
  EXPECT_FALSE(refused.has("access-control-allow-credentials"));

  const auto allowed = request(f.port(), "OPTIONS", "/engine.io/?EIO=4&transport=polling",
                               {{"Origin", "https://app.example.com"}, {"Access-Control-Request-Method", "POST"}});
  EXPECT_EQ(allowed.status, 204u);
  EXPECT_EQ(allowed.headers.at("access-control-allow-origin"), "https://app.example.com");
}

TEST(Cors, RefusedHandshakeReflectsNothing) {
  engine_fixture f(with_origins({"https://app.example.com"}));
  http_answer refused;
  EXPECT_EQ(open_polling(f.port(), {{"Origin", "https://evil.com"}}, &refused), "");
  EXPECT_EQ(refused.status, 403u);
  EXPECT_FALSE(refused.has("access-control-allow-origin"));
  EXPECT_FALSE(refused.has("access-control-allow-credentials"));
}

TEST(Cors, OwnOriginIsAllowedWhateverTheList) {
  engine_fixture f(with_origins({"https://app.example.com"}));
  const std::string host = "127.0.0.1:" + std::to_string(f.port());
  for (const std::string scheme : {"http://", "https://"}) {
    http_answer refused;
    EXPECT_NE(open_polling(f.port(), {{"Origin", scheme + host}}, &refused), "") << scheme << " " << refused.body;
  }
  const auto preflight = request(f.port(), "OPTIONS", "/engine.io/?EIO=4&transport=polling",
                                 {{"Origin", "http://" + host}, {"Access-Control-Request-Method", "POST"}});
  EXPECT_EQ(preflight.status, 204u);
  EXPECT_EQ(preflight.headers.at("access-control-allow-origin"), "http://" + host);
  boost::asio::io_context ioc;
  EXPECT_NO_THROW(open_websocket(ioc, f.port(), "/engine.io/?EIO=4&transport=websocket", {{"Origin", "http://" + host}}));
  // Another port of the same host is another origin.
  http_answer refused;
  EXPECT_EQ(open_polling(f.port(), {{"Origin", "http://127.0.0.1:1"}}, &refused), "");
  EXPECT_EQ(refused.status, 403u);
}

TEST(Cors, SameOriginRules) {
  sb::engine::cors_options none;
  none.allow_missing_origin = false;
  auto req = [](std::string host, std::string origin) {
    sb::http::request r;
    if (!host.empty()) r.set(boost::beast::http::field::host, host);
    r.set(boost::beast::http::field::origin, origin);
    return r;
  };
  EXPECT_TRUE(sb::engine::origin_allowed(none, req("localhost:3111", "http://localhost:3111")));
  EXPECT_TRUE(sb::engine::origin_allowed(none, req("LocalHost:3111", "https://localhost:3111")));
  EXPECT_TRUE(sb::engine::origin_allowed(none, req("example.com", "https://example.com")));
  EXPECT_TRUE(sb::engine::origin_allowed(none, req("example.com:443", "https://example.com")));
  EXPECT_TRUE(sb::engine::origin_allowed(none, req("example.com:80", "http://example.com")));
  EXPECT_FALSE(sb::engine::origin_allowed(none, req("example.com:80", "https://example.com")));
  EXPECT_FALSE(sb::engine::origin_allowed(none, req("localhost:3111", "http://localhost:3112")));
  EXPECT_FALSE(sb::engine::origin_allowed(none, req("localhost:3111", "http://localhost:3111.evil.com")));
  EXPECT_FALSE(sb::engine::origin_allowed(none, req("localhost:3111", "ws://localhost:3111")));
  EXPECT_FALSE(sb::engine::origin_allowed(none, req("", "http://")));
  EXPECT_FALSE(sb::engine::origin_allowed(none, req("localhost", "null")));
}

}  // namespace
