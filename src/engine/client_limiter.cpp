#include "client_limiter.hpp"

#include <algorithm>
#include <functional>

#include "switchboard/http/peer_address.hpp"

namespace switchboard::engine::detail {

namespace {

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

boost::asio::ip::address client_address(const http::request& req, const boost::asio::ip::tcp::endpoint& remote,
                                        bool trust_proxy) {
  if (!trust_proxy) return http::canonical_address(remote.address());
  // The last X-Forwarded-For field, and its last entry: what the proxy in front of us appended.
  std::string_view last;
  for (auto [it, end] = req.equal_range("X-Forwarded-For"); it != end; ++it) {
    last = std::string_view(it->value().data(), it->value().size());
  }
  if (const auto comma = last.rfind(','); comma != std::string_view::npos) last = last.substr(comma + 1);
  last = trim(last);
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(std::string(last), ec);
  return http::canonical_address(last.empty() || ec ? remote.address() : address);
}

bool client_limiter::limits(const boost::asio::ip::address& address) const noexcept {
  if (limits_.max_sessions_per_address == 0 && limits_.handshakes_per_second <= 0) return false;
  return !(limits_.exempt_loopback && http::is_loopback(address)) && !limits_.exempt_addresses.contains(address);
}

client_limiter::stripe& client_limiter::stripe_of(const boost::asio::ip::address& address) {
  return stripes_[std::hash<boost::asio::ip::address>{}(address) % stripes_.size()];
}

double client_limiter::tokens_at(const entry& e, clock::time_point now) const noexcept {
  const double elapsed = std::chrono::duration<double>(now - e.refilled).count();
  return std::min(limits_.handshake_burst, e.tokens + std::max(0.0, elapsed) * limits_.handshakes_per_second);
}

// Forgets addresses with no session and a full bucket: the map holds only the addresses with
// sessions or a recent handshake, whatever the number seen.
void client_limiter::sweep(stripe& s, clock::time_point now) {
  std::erase_if(s.entries, [&](const auto& item) {
    return item.second.sessions == 0 && tokens_at(item.second, now) >= limits_.handshake_burst;
  });
  s.sweep_at = std::max<std::size_t>(64, 2 * s.entries.size());
}

client_limiter::verdict client_limiter::admit(const boost::asio::ip::address& address, clock::time_point now) {
  if (!limits(address)) return verdict::admitted;
  stripe& s = stripe_of(address);
  const std::lock_guard lock(s.mutex);
  if (s.entries.size() >= s.sweep_at) sweep(s, now);
  auto [it, inserted] = s.entries.try_emplace(address);
  entry& e = it->second;
  if (inserted) {
    e.tokens = limits_.handshake_burst;
    e.refilled = now;
  }
  if (limits_.max_sessions_per_address != 0 && e.sessions >= limits_.max_sessions_per_address) {
    return verdict::too_many_sessions;
  }
  if (limits_.handshakes_per_second > 0) {
    e.tokens = tokens_at(e, now);
    e.refilled = now;
    if (e.tokens < 1) return verdict::rate_limited;
    e.tokens -= 1;
  }
  ++e.sessions;
  return verdict::admitted;
}

void client_limiter::release(const boost::asio::ip::address& address) {
  if (!limits(address)) return;
  stripe& s = stripe_of(address);
  const std::lock_guard lock(s.mutex);
  const auto it = s.entries.find(address);
  if (it != s.entries.end() && it->second.sessions > 0) --it->second.sessions;
}

}  // namespace switchboard::engine::detail
