#pragma once
// Typed handlers for client events: the payload is converted to its type before the handler
// runs; one that does not fit is answered with an error ack (or dropped and logged when no ack
// was asked), never a crash.
//
// Acks have one shape, which the generated TypeScript declares as Ack<T>:
//   {"ok": true, "data": <T>}   or   {"ok": false, "error": {"code": "...", "message": "..."}}
#include <functional>
#include <string>
#include <string_view>

#include "switchboard/realtime/event.hpp"
#include "switchboard/realtime/payload.hpp"
#include "switchboard/sio/socket.hpp"

namespace switchboard::realtime {

// A module's refusal, sent as {"ok": false, "error": {code, message}}.
struct refusal {
  std::string code;
  std::string message;
};

namespace detail {
void send_ok(const sio::ack_sender& ack, boost::json::value data);
void send_refusal(const sio::ack_sender& ack, const refusal& r);
// Logs (warning) a payload that does not fit, with the socket's user and correlation id.
void log_payload_error(const sio::socket& s, std::string_view event, const payload_error& e);
}  // namespace detail

// Answers a client event once, with its Ack type or a refusal.
template <class A>
class ack {
 public:
  explicit ack(sio::ack_sender sender) : sender_(std::move(sender)) {}
  bool requested() const noexcept { return sender_.requested(); }
  void operator()(const A& answer) const { detail::send_ok(sender_, to_json(answer)); }
  void fail(refusal r) const { detail::send_refusal(sender_, r); }

 private:
  sio::ack_sender sender_;
};

template <class P, class A>
using typed_handler = std::conditional_t<std::is_same_v<A, no_ack>, std::function<void(sio::socket&, const P&)>,
                                         std::function<void(sio::socket&, const P&, ack<A>)>>;

// Registers `handler` for `event` on one socket (typically from a connection handler).
template <class P, class A>
void on(sio::socket& socket, const client_event<P, A>& event, typed_handler<P, A> handler) {
  socket.on(std::string(event.name), [name = event.name, handler = std::move(handler)](
                                         sio::socket& s, sio::arguments& args, sio::ack_sender raw_ack) {
    P payload{};
    const boost::json::value none;
    const boost::json::value& first = args.values.empty() ? none : args.values.front();
    if (auto error = from_json(first, payload)) {
      detail::log_payload_error(s, name, *error);
      if (raw_ack.requested()) detail::send_refusal(raw_ack, refusal{"invalid_payload", error->message()});
      return;
    }
    if constexpr (std::is_same_v<A, no_ack>) {
      handler(s, payload);
    } else {
      handler(s, payload, ack<A>(std::move(raw_ack)));
    }
  });
}

}  // namespace switchboard::realtime
