#pragma once
// What a server shares with all its namespaces. Set up before clients connect, read-only after
// (but for the counters).
#include <atomic>
#include <string>
#include <string_view>
#include <vector>

#include "switchboard/sio/server.hpp"

namespace switchboard::sio::detail {

struct server_config {
  explicit server_config(options o) : opts(std::move(o)) {}

  options opts;
  std::vector<std::string> reserved_prefixes;        // rooms that socket::join refuses
  std::vector<middleware> middlewares;               // run before each namespace's own
  std::vector<connection_handler> connection_hooks;  // run before each namespace's handler
  std::vector<std::shared_ptr<observer>> observers;  // server::observe, in order
  std::shared_ptr<observer> watcher;                 // the one observer, or an observer_list; null: none
  std::atomic<std::size_t> encoded_broadcasts{0};
  // Counters of server.hpp, relaxed.
  std::atomic<std::size_t> dynamic_namespaces{0};
  std::atomic<std::size_t> dropped_events{0};
  std::atomic<std::size_t> event_limit_disconnects{0};
  std::atomic<std::size_t> handler_errors{0};
  std::atomic<std::size_t> attachment_refusals{0};

  bool reserved(std::string_view room) const noexcept {
    for (const auto& prefix : reserved_prefixes) {
      if (room.starts_with(prefix)) return true;
    }
    return false;
  }
};

}  // namespace switchboard::sio::detail
