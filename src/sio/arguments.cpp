#include "switchboard/sio/arguments.hpp"

#include <boost/json/object.hpp>

namespace switchboard::sio {

boost::json::value arguments::add_binary(std::string bytes) {
  binaries.push_back(std::move(bytes));
  return boost::json::object{{"_placeholder", true}, {"num", binaries.size() - 1}};
}

namespace {

class sio_error_category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "switchboard.sio"; }
  std::string message(int value) const override {
    switch (static_cast<errc>(value)) {
      case errc::ack_timeout: return "operation has timed out";
      case errc::disconnected: return "socket has been disconnected";
      case errc::too_many_pending_acks: return "too many acknowledgements pending";
      case errc::not_connected: return "socket is not connected";
      case errc::reserved_event: return "reserved event name";
      case errc::reserved_room: return "reserved room name";
      case errc::cluster_unreachable: return "delivered on this node only: the cluster is unreachable";
    }
    return "unknown Socket.IO error";
  }
};

}  // namespace

const std::error_category& sio_category() noexcept {
  static const sio_error_category category;
  return category;
}

}  // namespace switchboard::sio
