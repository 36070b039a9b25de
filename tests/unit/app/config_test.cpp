#include "config.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

using switchboard::app::config_error;
using switchboard::app::load_config;
using namespace std::chrono_literals;

namespace {

std::string write_toml(const std::string& text) {
  static int n = 0;
  const auto path = std::filesystem::temp_directory_path() / ("switchboard-config-" + std::to_string(getpid()) + "-" +
                                                              std::to_string(++n) + ".toml");
  std::ofstream(path) << text;
  return path.string();
}

// The message of the config_error that loading throws, or "" when it loads.
std::string error_of(const std::string& toml, std::map<std::string, std::string> env = {},
                     std::vector<std::string> sets = {}) {
  try {
    load_config(write_toml(toml), env, sets);
  } catch (const config_error& e) {
    return e.what();
  }
  return "";
}

TEST(Config, HasEmbeddedDefaults) {
  const auto c = load_config("", {}, {});
  EXPECT_EQ(c.server.address, "127.0.0.1");
  EXPECT_EQ(c.server.port, 3000);
  EXPECT_EQ(c.auth.leeway, 30s);
  EXPECT_EQ(c.auth.sessions, "sqlite");
  EXPECT_EQ(c.cluster.redis, "");
  EXPECT_EQ(c.cluster.key, "socket.io");
  EXPECT_EQ(c.cluster.request_timeout, 5000ms);
  EXPECT_EQ(c.api.max_body, 1u << 20);
  EXPECT_EQ(c.api.max_batch, 1000u);
}

TEST(Config, ReadsTheClusterSection) {
  const auto c = load_config(write_toml("[cluster]\nredis = \"redis://10.0.0.5:6380/2\"\nkey = \"app\"\nrequest_timeout = \"750ms\"\n"),
                             {{"SWITCHBOARD_CLUSTER_KEY", "shared"}}, {});
  EXPECT_EQ(c.cluster.redis, "redis://10.0.0.5:6380/2");
  EXPECT_EQ(c.cluster.key, "shared");
  EXPECT_EQ(c.cluster.request_timeout, 750ms);
  EXPECT_FALSE(c.cluster.specific_response_channel);
  EXPECT_EQ(c.cluster.adapter, "classic");
  EXPECT_EQ(c.cluster.subscription_mode, "dynamic");
  const auto sharded =
      load_config(write_toml("[cluster]\nadapter = \"sharded\"\nsubscription_mode = \"dynamic-private\"\n"), {}, {});
  EXPECT_EQ(sharded.cluster.adapter, "sharded");
  EXPECT_EQ(sharded.cluster.subscription_mode, "dynamic-private");
  EXPECT_NE(error_of("[cluster]\nadapter = \"fast\"\n").find("cluster.adapter"), std::string::npos);
  EXPECT_NE(error_of("[cluster]\nsubscription_mode = \"all\"\n").find("cluster.subscription_mode"), std::string::npos);
  EXPECT_NE(error_of("[cluster]\nrequest_timeout = \"0s\"\n").find("cluster.request_timeout = \"0s\": expected a positive duration"),
            std::string::npos);
  EXPECT_NE(error_of("[cluster]\nkey = \"\"\n").find("cluster.key is empty"), std::string::npos);
}

TEST(Config, ReadsTheEngineSection) {
  const auto defaults = load_config("", {}, {});
  EXPECT_EQ(defaults.engine.ping_interval, 25s) << "the Node server's pingInterval";
  EXPECT_EQ(defaults.engine.ping_timeout, 20s);
  EXPECT_EQ(defaults.engine.max_payload, 1'000'000u) << "the Node server's maxHttpBufferSize";
  const auto c = load_config(write_toml("[engine]\nping_interval = \"2m\"\nping_timeout = \"5s\"\nmax_payload = 65536\n"),
                             {{"SWITCHBOARD_ENGINE_PING_TIMEOUT", "7s"}}, {});
  EXPECT_EQ(c.engine.ping_interval, 2min);
  EXPECT_EQ(c.engine.ping_timeout, 7s);
  EXPECT_EQ(c.engine.max_payload, 65536u);
  EXPECT_NE(error_of("[engine]\nping_interval = \"0s\"\n").find("engine.ping_interval = \"0s\": expected a positive duration"),
            std::string::npos);
  EXPECT_NE(error_of("[engine]\nmax_payload = 10\n").find("engine.max_payload = 10: expected an integer from 1024"),
            std::string::npos);
}

TEST(Config, ReadsTheFileThenTheEnvironmentThenFlags) {
  const auto path = write_toml(R"(
[server]
port = 4000
address = "127.0.0.1"
[cors]
origins = ["https://a.example", "https://b.example"]
[auth]
leeway = "2m"
allow_query_token = true
[api]
keys = { ci = "0123456789abcdefXYZ" }
)");
  auto c = load_config(path, {}, {});
  EXPECT_EQ(c.server.port, 4000);
  EXPECT_EQ(c.cors.origins, (std::vector<std::string>{"https://a.example", "https://b.example"}));
  EXPECT_EQ(c.auth.leeway, 2min);
  EXPECT_TRUE(c.auth.allow_query_token);
  EXPECT_EQ(c.api.keys.at("ci"), "0123456789abcdefXYZ");

  c = load_config(path, {{"SWITCHBOARD_SERVER_PORT", "5000"}, {"SWITCHBOARD_CORS_ORIGINS", "https://c.example,https://d.example"}}, {});
  EXPECT_EQ(c.server.port, 5000);
  EXPECT_EQ(c.cors.origins.size(), 2u);
  c = load_config(path, {{"SWITCHBOARD_SERVER_PORT", "5000"}}, {"server.port=6000", "log.level=debug"});
  EXPECT_EQ(c.server.port, 6000);
  EXPECT_EQ(c.log.level, "debug");
}

TEST(Config, NamesTheKeyTheValueAndWhatWasExpected) {
  EXPECT_NE(error_of("[server]\nport = 70000\n").find("server.port = 70000: expected an integer from 0 to 65535"),
            std::string::npos);
  EXPECT_NE(error_of("[server]\nport = \"x\"\n").find("server.port = \"x\": expected an integer"), std::string::npos);
  EXPECT_NE(error_of("[log]\nlevel = \"loud\"\n").find("log.level = \"loud\": expected one of \"debug\""), std::string::npos);
  EXPECT_NE(error_of("[auth]\nleeway = \"soon\"\n").find("auth.leeway = \"soon\": expected a duration"), std::string::npos);
  EXPECT_NE(error_of("[server]\nprot = 1\n").find("unknown setting server.prot"), std::string::npos);
  EXPECT_NE(error_of("[server\n").find(".toml:"), std::string::npos);
  EXPECT_NE(error_of("", {{"SWITCHBOARD_SERVER_PORT", "-1"}}).find("SWITCHBOARD_SERVER_PORT: server.port = -1"),
            std::string::npos);
  EXPECT_EQ(error_of("", {{"SWITCHBOARD_BIN_DIR", "/x"}}), "") << "a variable that names no setting is not config";
  EXPECT_NE(error_of("", {}, {"server.port"}).find("expected section.key=value"), std::string::npos);
  EXPECT_NE(error_of("[auth]\nallow_query_token = \"yes\"\n").find("expected true or false"), std::string::npos);
}

TEST(Config, RefusesInconsistentSettings) {
  EXPECT_EQ(error_of("[limits]\nexempt_addresses = [\"10.0.0.0/8\", \"fd00::/8\", \"192.0.2.7\"]\n"), "");
  EXPECT_NE(error_of("[limits]\nexempt_addresses = [\"10.0.0.0/33\"]\n")
                .find("limits.exempt_addresses: \"10.0.0.0/33\" is neither an address nor a network"),
            std::string::npos);
  EXPECT_NE(error_of("", {{"SWITCHBOARD_LIMITS_EXEMPT_ADDRESSES", "10.1.2.3,nope"}}).find("\"nope\""), std::string::npos);
  EXPECT_NE(error_of("[tls]\ncert = \"a.pem\"\n").find("set both tls.cert and tls.key"), std::string::npos);
  EXPECT_NE(error_of("[auth]\nsessions = \"redis\"\n").find("needs auth.redis"), std::string::npos);
  EXPECT_NE(error_of("[api]\nkeys = { short = \"abc\" }\n").find("at least 16 characters"), std::string::npos);
  const std::string dev = "[auth]\njwt_secret = \"" + std::string(switchboard::app::development_secret) + "\"\n";
  EXPECT_EQ(error_of(dev), "");
  EXPECT_NE(error_of(dev + "[server]\naddress = \"0.0.0.0\"\n").find("development secret: refused on 0.0.0.0"),
            std::string::npos);
  EXPECT_EQ(error_of(dev + "[server]\nmore_addresses = [\"::1\"]\n"), "");
  EXPECT_NE(error_of(dev + "[server]\nmore_addresses = [\"::1\", \"::\"]\n").find("development secret: refused on ::"),
            std::string::npos);
}

// The Admin UI: off by default; without a password only on loopback; a hash must be bcrypt.
TEST(Config, ChecksTheAdminSection) {
  const std::string secret = "[auth]\njwt_secret = \"" + std::string(64, 's') + "\"\n";
  const std::string hash = "$2b$10$heqvAkYMez.Va6Et2uXInOnkCT6/uQj1brkrbyG3LpopDklcq7ZOS";
  EXPECT_FALSE(load_config("", {}, {}).admin.enabled);
  EXPECT_EQ(error_of(secret + "[admin]\nenabled = true\n"), "");  // loopback by default
  EXPECT_NE(error_of(secret + "[server]\naddress = \"0.0.0.0\"\n[admin]\nenabled = true\n")
                .find("admin.enabled without admin.password_hash: refused on 0.0.0.0"),
            std::string::npos);
  const std::string with_login = "[admin]\nenabled = true\nusername = \"admin\"\npassword_hash = \"" + hash + "\"\n";
  EXPECT_EQ(error_of(secret + "[server]\naddress = \"0.0.0.0\"\n" + with_login), "");
  EXPECT_NE(error_of(secret + "[admin]\nenabled = true\nusername = \"admin\"\n").find("set both admin.username"),
            std::string::npos);
  EXPECT_NE(error_of(secret + "[admin]\nenabled = true\nusername = \"a\"\npassword_hash = \"changeit\"\n")
                .find("expected a bcrypt hash"),
            std::string::npos);
  EXPECT_NE(error_of(secret + "[admin]\nenabled = true\nnamespace = \"admin\"\n").find("admin.namespace"), std::string::npos);
  EXPECT_NE(error_of(secret + "[admin]\nmode = \"verbose\"\n").find("admin.mode"), std::string::npos);
}

// The packaged configuration ships a placeholder secret: a fresh install refuses to start, on
// loopback too, until its operator sets one.
TEST(Config, RefusesThePackagedPlaceholderSecret) {
  const std::string placeholder = "[auth]\njwt_secret = \"" + std::string(switchboard::app::placeholder_secret) + "\"\n";
  EXPECT_NE(error_of(placeholder).find("placeholder of the packaged configuration"), std::string::npos);
  EXPECT_EQ(error_of(placeholder, {{"SWITCHBOARD_AUTH_JWT_SECRET", std::string(64, 'k')}}), "");
}

}  // namespace
