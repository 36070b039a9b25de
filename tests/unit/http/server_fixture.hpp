#pragma once
// A listener on two shards with one route that answers every request "hello", for the tests of
// the listener against raw TCP clients.
#include <gtest/gtest.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "switchboard/http/server.hpp"

namespace switchboard::http::test {

// Answers every request "hello" and counts the paths it saw.
class hello_route final : public http::route {
 public:
  void on_request(http::exchange_ptr ex) override {
    {
      std::lock_guard lock(mutex_);
      targets_.emplace_back(ex->req().target());
    }
    ex->respond(http::make_response(ex->req(), boost::beast::http::status::ok, "hello"));
  }
  void on_websocket(http::websocket_upgrade_ptr upgrade) override {
    upgrade->refuse(http::make_response(upgrade->req(), boost::beast::http::status::not_found, "no"));
  }
  std::size_t body_limit() const noexcept override { return 1024 * 1024; }
  http::websocket_options websocket() const noexcept override { return {}; }

  std::vector<std::string> targets() {
    std::lock_guard lock(mutex_);
    return targets_;
  }

 private:
  std::mutex mutex_;
  std::vector<std::string> targets_;
};

class ServerTest : public ::testing::Test {
 protected:
  void start(http::server_options options = {}) {
    options.threads = 2;
    server_ = std::make_unique<http::server>(options);
    server_->mount("/", route_);
    server_->start();
  }
  void TearDown() override {
    if (server_) server_->stop();
  }
  std::uint16_t port() const { return server_->port(); }
  http::server_stats stats() const { return server_->stats(); }

  std::shared_ptr<hello_route> route_ = std::make_shared<hello_route>();
  std::unique_ptr<http::server> server_;
};

}  // namespace switchboard::http::test
