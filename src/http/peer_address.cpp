#include "switchboard/http/peer_address.hpp"

#include <stdexcept>

namespace switchboard::http {

namespace ip = boost::asio::ip;

ip::address canonical_address(const ip::address& address) noexcept {
  if (address.is_v6() && address.to_v6().is_v4_mapped()) return ip::make_address_v4(ip::v4_mapped, address.to_v6());
  return address;
}

bool is_loopback(const ip::address& address) noexcept { return canonical_address(address).is_loopback(); }

address_ranges address_ranges::parse(const std::vector<std::string>& entries) {
  address_ranges out;
  for (const auto& entry : entries) {
    boost::system::error_code ec;
    const bool cidr = entry.find('/') != std::string::npos;
    if (entry.find(':') == std::string::npos) {
      const auto network = cidr ? ip::make_network_v4(entry, ec) : ip::network_v4(ip::make_address_v4(entry, ec), 32);
      if (!ec) out.v4_.push_back(network.canonical());
    } else {
      const auto network = cidr ? ip::make_network_v6(entry, ec) : ip::network_v6(ip::make_address_v6(entry, ec), 128);
      if (!ec) out.v6_.push_back(network.canonical());
    }
    if (ec) throw std::invalid_argument("\"" + entry + "\" is neither an address nor a network such as 10.0.0.0/8");
  }
  return out;
}

bool address_ranges::contains(const ip::address& peer) const noexcept {
  const ip::address address = canonical_address(peer);
  if (address.is_v4()) {
    for (const auto& network : v4_) {
      if (ip::network_v4(address.to_v4(), network.prefix_length()).canonical() == network) return true;
    }
    return false;
  }
  for (const auto& network : v6_) {
    if (ip::network_v6(address.to_v6(), network.prefix_length()).canonical() == network) return true;
  }
  return false;
}

}  // namespace switchboard::http
