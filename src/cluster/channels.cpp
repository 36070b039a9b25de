// Channel names of the classic protocol, and the error category of the cluster layer.
#include <string>

#include "switchboard/cluster/messages.hpp"

namespace switchboard::cluster {
namespace {

class message_error_category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "switchboard.cluster"; }

  std::string message(int value) const override {
    switch (static_cast<message_errc>(value)) {
      case message_errc::invalid_message: return "malformed cluster message";
      case message_errc::missing_field: return "cluster message lacks a field";
      case message_errc::invalid_field: return "cluster message field has the wrong type or value";
      case message_errc::invalid_packet: return "cluster broadcast packet is not an event";
      case message_errc::unknown_type: return "unknown cluster request or reply type";
      case message_errc::unknown_request: return "cluster reply to no pending request";
    }
    return "unknown cluster error";
  }
};

std::string join(std::string_view a, std::string_view b, std::string_view c) {
  std::string out;
  out.reserve(a.size() + b.size() + c.size());
  out.append(a).append(b).append(c);
  return out;
}

}  // namespace

const std::error_category& message_category() noexcept {
  static const message_error_category category;
  return category;
}

channels::channels(std::string_view key, std::string_view nsp)
    : broadcast_(join(key, "#", nsp) + '#'),
      request_(join(key, "-request#", nsp) + '#'),
      response_(join(key, "-response#", nsp) + '#') {}

std::string channels::room(std::string_view room) const { return join(broadcast_, room, "#"); }

std::string channels::response_for(std::string_view uid) const { return join(response_, uid, "#"); }

std::string channels::broadcast_for(const sio::broadcast_target& target) const {
  return target.rooms.size() == 1 ? room(*target.rooms.begin()) : broadcast_;
}

std::optional<std::string_view> channels::broadcast_room(std::string_view channel) const {
  if (!channel.starts_with(broadcast_)) return std::nullopt;
  channel.remove_prefix(broadcast_.size());
  if (channel.empty()) return channel;
  // Node drops the last character unchecked; requiring the '#' keeps "<prefix>x" from meaning "all".
  if (!channel.ends_with('#')) return std::nullopt;
  channel.remove_suffix(1);
  return channel;
}

}  // namespace switchboard::cluster
