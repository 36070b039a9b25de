#include "switchboard/sio/arguments.hpp"

#include <boost/json/object.hpp>
#include <optional>
#include <stdexcept>
#include <string>

namespace switchboard::sio {

boost::json::value arguments::add_binary(std::string bytes) {
  binaries.push_back(std::move(bytes));
  return boost::json::object{{"_placeholder", true}, {"num", binaries.size() - 1}};
}

namespace {

// The index into `binaries` that a placeholder names, if `v` is one.
std::optional<std::size_t> placeholder_index(const boost::json::value& v, std::size_t binary_count) {
  const auto* o = v.if_object();
  if (!o || o->size() != 2) return std::nullopt;
  const auto* flag = o->if_contains("_placeholder");
  const auto* num = o->if_contains("num");
  if (!flag || !num || !flag->is_bool() || !flag->get_bool() || !num->is_number()) return std::nullopt;
  boost::system::error_code ec;
  const auto index = num->to_number<std::size_t>(ec);
  if (ec || index >= binary_count) return std::nullopt;
  return index;
}

}  // namespace

bool arguments::is_binary(std::size_t i) const noexcept {
  return i < values.size() && placeholder_index(values[i], binaries.size()).has_value();
}

const std::string& arguments::bytes(std::size_t i) const {
  const auto index = i < values.size() ? placeholder_index(values[i], binaries.size()) : std::nullopt;
  if (!index) throw std::out_of_range("sio::arguments::bytes: argument " + std::to_string(i) + " is not binary");
  return binaries[*index];
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
