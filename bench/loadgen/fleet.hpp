#pragma once
// Opening many authenticated clients at once, a bounded number of handshakes at a time.
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <string>

#include "options.hpp"
#include "stats.hpp"

namespace switchboard::bench {

enum class transport { websocket, polling };

struct fleet_plan {
  std::size_t count = 0;
  transport over = transport::websocket;
  std::function<std::string(std::size_t index)> user;
  bool close_when_connected = false;
};

// Signs an HS256 token for `user`, valid for a day.
std::string token_for(const run_options& options, const std::string& user);

// Starts the clients and returns once each is connected or refused (or nothing moved for 30 s).
// They keep running until `stop` is set.
boost::asio::awaitable<void> open_fleet(const run_options& options, fleet_plan plan, fleet_stats& stats,
                                        const bool& stop);

// Waits until `done` holds, or `idle_limit` passes with `progress` unchanged, or `limit` passes.
boost::asio::awaitable<bool> wait_for(std::function<bool()> done, std::function<std::uint64_t()> progress,
                                      std::chrono::milliseconds idle_limit,
                                      std::chrono::milliseconds limit = std::chrono::hours(1));

}  // namespace switchboard::bench
