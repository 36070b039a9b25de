#include "login_sessions.hpp"

#include "switchboard/http/secure_random.hpp"

namespace switchboard::admin::detail {

std::string login_sessions::open(clock::time_point now) {
  static constexpr char hex[] = "0123456789abcdef";
  unsigned char bytes[8];
  http::secure_random(bytes);
  std::string id;
  for (const unsigned char b : bytes) {
    id.push_back(hex[b >> 4]);
    id.push_back(hex[b & 15]);
  }
  std::lock_guard lock(mutex_);
  forget_expired(now);
  while (!order_.empty() && order_.size() >= capacity_) {
    expiry_.erase(order_.front());
    order_.pop_front();
  }
  if (capacity_ == 0) return id;  // nothing is remembered: the UI logs in each time
  expiry_[id] = now + ttl_;
  order_.push_back(id);
  return id;
}

bool login_sessions::valid(const std::string& id, clock::time_point now) {
  std::lock_guard lock(mutex_);
  forget_expired(now);
  return expiry_.contains(id);
}

std::size_t login_sessions::size() const {
  std::lock_guard lock(mutex_);
  return expiry_.size();
}

// Ids expire in the order they were opened (one ttl for all).
void login_sessions::forget_expired(clock::time_point now) {
  while (!order_.empty()) {
    const auto it = expiry_.find(order_.front());
    if (it != expiry_.end() && it->second > now) return;
    if (it != expiry_.end()) expiry_.erase(it);
    order_.pop_front();
  }
}

}  // namespace switchboard::admin::detail
