#pragma once
// Path-prefix routing table. Filled before the server starts, read-only afterwards.
#include <algorithm>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "switchboard/http/websocket_channel.hpp"

namespace switchboard::http::detail {

class router {
 public:
  // Throws std::logic_error when `prefix` has a route already: one of the two would never run.
  void add(std::string prefix, std::shared_ptr<route> r) {
    for (const auto& existing : routes_) {
      if (existing.first == prefix) throw std::logic_error("http::server::mount: \"" + prefix + "\" is mounted already");
    }
    routes_.emplace_back(std::move(prefix), std::move(r));
    std::stable_sort(routes_.begin(), routes_.end(),
                     [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  }

  // The route of the longest prefix of the target's path, or nullptr.
  route* find(std::string_view target) const noexcept {
    const std::string_view path = target.substr(0, target.find('?'));
    for (const auto& [prefix, r] : routes_) {
      if (path.starts_with(prefix)) return r.get();
    }
    return nullptr;
  }

 private:
  std::vector<std::pair<std::string, std::shared_ptr<route>>> routes_;
};

}  // namespace switchboard::http::detail
