#pragma once
/// @file
/// Typed handlers for client events: the payload is converted to its type before the handler
/// runs; one that does not fit is answered with an error ack (or dropped and logged when no ack
/// was asked), never a crash.
///
/// Acks have one shape, which the generated TypeScript declares as `Ack<T>`:
/// @code
///   {"ok": true, "data": <T>}   or   {"ok": false, "error": {"code": "...", "message": "..."}}
/// @endcode
#include <functional>
#include <string>
#include <string_view>

#include "switchboard/realtime/event.hpp"
#include "switchboard/realtime/payload.hpp"
#include "switchboard/sio/socket.hpp"

namespace switchboard::realtime {

/// A module's refusal, sent as {"ok": false, "error": {code, message}}.
struct refusal {
  std::string code;  ///< A stable snake_case code ("invalid_quantity").
  std::string message;  ///< A human-readable explanation.
};

namespace detail {
void send_ok(const sio::ack_sender& ack, boost::json::value data);
void send_refusal(const sio::ack_sender& ack, const refusal& r);
// Logs (warning) a payload that does not fit, with the socket's user and correlation id.
void log_payload_error(const sio::socket& s, std::string_view event, const payload_error& e);
}  // namespace detail

/// Answers a client event once, with its Ack type or a refusal. Like sio::ack_sender, which it
/// wraps: the first answer of any copy goes, from any thread; later ones do nothing.
template <class A>
class ack {
 public:
  /// Wraps the event's raw ack.
  explicit ack(sio::ack_sender sender) : sender_(std::move(sender)) {}
  /// Whether the client asked for an answer.
  bool requested() const noexcept { return sender_.requested(); }
  /// Answers {"ok": true, "data": answer}.
  void operator()(const A& answer) const { detail::send_ok(sender_, to_json(answer)); }
  /// Answers {"ok": false, "error": {code, message}}.
  void fail(refusal r) const { detail::send_refusal(sender_, r); }

 private:
  sio::ack_sender sender_;
};

/// The handler of a `client_event<P, A>`: (socket, payload) when A is no_ack, else (socket,
/// payload, `ack<A>`). Runs on the socket's shard.
template <class P, class A>
using typed_handler = std::conditional_t<std::is_same_v<A, no_ack>, std::function<void(sio::socket&, const P&)>,
                                         std::function<void(sio::socket&, const P&, ack<A>)>>;

namespace detail {

// The untyped handler that decodes `event`'s payload (a refusal when it does not fit) and runs
// `handler`: on() installs it on one socket, server::on() once on a namespace.
template <class P, class A>
sio::event_handler typed_event_handler(const client_event<P, A>& event, typed_handler<P, A> handler) {
  return [name = event.name, handler = std::move(handler)](sio::socket& s, sio::arguments& args, sio::ack_sender raw_ack) {
    P payload{};
    const boost::json::value none;
    const boost::json::value& first = args.values.empty() ? none : args.values.front();
    if (auto error = from_json(first, payload)) {
      log_payload_error(s, name, *error);
      if (raw_ack.requested()) send_refusal(raw_ack, refusal{"invalid_payload", error->message()});
      return;
    }
    if constexpr (std::is_same_v<A, no_ack>) {
      handler(s, payload);
    } else {
      handler(s, payload, ack<A>(std::move(raw_ack)));
    }
  };
}

}  // namespace detail

/// Registers `handler` for `event` on one socket (typically from a connection handler), replacing
/// any earlier handler of that event name. On the socket's shard.
/// @code
/// rt::on(s, send, [messages, box](sio::socket& s, const ChatSend& request, rt::ack<ChatSent> answer) {
///   messages->send(s, request, std::move(answer), box);
/// });
/// @endcode
template <class P, class A>
void on(sio::socket& socket, const client_event<P, A>& event, typed_handler<P, A> handler) {
  socket.on(std::string(event.name), detail::typed_event_handler(event, std::move(handler)));
}

}  // namespace switchboard::realtime
