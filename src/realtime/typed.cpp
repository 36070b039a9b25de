#include "switchboard/realtime/typed.hpp"

#include "switchboard/auth/guard.hpp"
#include "switchboard/log/sampled.hpp"

namespace switchboard::realtime::detail {

namespace json = boost::json;

void send_ok(const sio::ack_sender& ack, json::value data) {
  sio::arguments args;
  args.values.push_back(json::object{{"ok", true}, {"data", std::move(data)}});
  ack(std::move(args));
}

void send_refusal(const sio::ack_sender& ack, const refusal& r) {
  sio::arguments args;
  args.values.push_back(json::object{{"ok", false}, {"error", json::object{{"code", r.code}, {"message", r.message}}}});
  ack(std::move(args));
}

// Sampled per socket: a client sending invalid payloads in a loop writes one record per window.
void log_payload_error(const sio::socket& s, std::string_view event, const payload_error& e) {
  log::warn_sampled(s.correlation_id(), "invalid payload", {{"event", event},
                                {"error", e.message()},
                                {"user_id", auth::user_id_of(s).value_or("-")},
                                {"socket_id", s.id()},
                                {"correlation_id", s.correlation_id()}});
}

}  // namespace switchboard::realtime::detail
