#pragma once
// Several observers behind server::observe(): each report goes to each, in the order they came.
// With one observer the server holds it alone, and the hooks stay one pointer test.
#include <algorithm>
#include <memory>
#include <vector>

#include "switchboard/sio/server.hpp"

namespace switchboard::sio::detail {

class observer_list final : public observer {
 public:
  explicit observer_list(std::vector<std::shared_ptr<observer>> all) : all_(std::move(all)) {}

  void socket_connected(socket& s) override {
    for (const auto& o : all_) o->socket_connected(s);
  }
  void socket_disconnected(socket& s, std::string_view reason) override {
    for (const auto& o : all_) o->socket_disconnected(s, reason);
  }
  void transport_upgraded(socket& s) override {
    for (const auto& o : all_) o->transport_upgraded(s);
  }
  void room_joined(socket& s, const std::string& room) override {
    for (const auto& o : all_) o->room_joined(s, room);
  }
  void room_left(socket& s, const std::string& room) override {
    for (const auto& o : all_) o->room_left(s, room);
  }
  void event_received(socket& s, std::string_view event, const arguments& args) override {
    for (const auto& o : all_) o->event_received(s, event, args);
  }
  // A broadcast's recipients come when any observer wants them, and go to each.
  void event_sent(socket& s, const wire::sio::packet& p) override {
    for (const auto& o : all_) o->event_sent(s, p);
  }
  bool wants_broadcast_events() const override {
    return std::ranges::any_of(all_, [](const auto& o) { return o->wants_broadcast_events(); });
  }

 private:
  std::vector<std::shared_ptr<observer>> all_;
};

}  // namespace switchboard::sio::detail
