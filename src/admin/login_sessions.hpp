#pragma once
// The admin UI's login sessions: random ids it reconnects with instead of the password, each
// valid for a while, at most `capacity` of them (the oldest goes first). Thread-safe.
#include <chrono>
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

namespace switchboard::admin::detail {

class login_sessions {
 public:
  using clock = std::chrono::steady_clock;

  login_sessions(std::size_t capacity, std::chrono::seconds ttl) : capacity_(capacity), ttl_(ttl) {}

  // A new id (16 hex characters, as the reference's), remembered until it expires.
  std::string open(clock::time_point now = clock::now());
  // Whether `id` is a live session.
  bool valid(const std::string& id, clock::time_point now = clock::now());
  std::size_t size() const;

 private:
  void forget_expired(clock::time_point now);

  const std::size_t capacity_;
  const std::chrono::seconds ttl_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, clock::time_point> expiry_;
  std::deque<std::string> order_;  // oldest first
};

}  // namespace switchboard::admin::detail
