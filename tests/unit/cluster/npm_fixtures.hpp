#pragma once
// The messages the npm packages published, as tests/fixtures/cluster/generate*.mjs recorded them:
// name, channel, bytes (hex), and the sender's uid and request id where they matter.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "../../support/hex.hpp"

namespace switchboard::test {

struct npm_fixture {
  std::string name;
  std::string channel;
  std::string bytes;
  std::string uid;         // the sender's uid, or the requester's for a reply
  std::string request_id;  // empty when the message has none
};

// Every message of the fixture file at `path`.
inline std::vector<npm_fixture> npm_fixtures(const char* path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  std::vector<npm_fixture> out;
  const boost::json::value all = boost::json::parse(text.str());
  for (const boost::json::value& m : all.at("messages").as_array()) {
    const boost::json::object& o = m.as_object();
    auto field = [&](std::string_view key) {
      const boost::json::value* v = o.if_contains(key);
      return v ? std::string(v->as_string()) : std::string();
    };
    out.push_back({field("name"), field("channel"), unhex(o.at("hex").as_string()), field("uid"), field("requestId")});
  }
  return out;
}

// The message called `name` in the file at `path`.
inline npm_fixture npm_fixture_named(const char* path, std::string_view name) {
  for (auto& f : npm_fixtures(path)) {
    if (f.name == name) return f;
  }
  ADD_FAILURE() << "no fixture " << name;
  return {};
}

}  // namespace switchboard::test
