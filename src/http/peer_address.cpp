#include "switchboard/http/peer_address.hpp"

namespace switchboard::http {

boost::asio::ip::address canonical_address(const boost::asio::ip::address& address) noexcept {
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6());
  }
  return address;
}

bool is_loopback(const boost::asio::ip::address& address) noexcept { return canonical_address(address).is_loopback(); }

}  // namespace switchboard::http
