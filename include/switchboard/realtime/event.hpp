#pragma once
/// @file
/// Typed events: each binds a name to a payload type and a direction, once, in a module's
/// catalogue header:
///
/// @code
///   struct ChatMessage { std::string roomId; std::string text; };
///   BOOST_DESCRIBE_STRUCT(ChatMessage, (), (roomId, text))
///   inline constexpr realtime::server_event<ChatMessage> chat_message{"chat:message"};
///   inline constexpr realtime::client_event<ChatSend, ChatSent> chat_send{"chat:send"};
///   inline constexpr auto chat_events = realtime::catalogue("chat", chat_message, chat_send);
/// @endcode
///
/// Only declared events reach the emitter and typed handlers (no overload takes a bare name), so
/// an undeclared event, the wrong payload, or the wrong direction does not compile
/// (tests/compile_fail/). A catalogue lists a module's events for `switchboard types`.
#include <string_view>
#include <tuple>

namespace switchboard::realtime {

/// No answer: a client event whose ack type is this is not acknowledged.
struct no_ack {};

/// An event emitted by the server to clients, with its payload type.
template <class Payload>
struct server_event {
  using payload_type = Payload;  ///< The payload's type.
  std::string_view name;  ///< The event name on the wire.
};

/// An event sent by clients to the server; answered with an Ack payload when Ack is not no_ack.
template <class Payload, class Ack = no_ack>
struct client_event {
  using payload_type = Payload;  ///< The payload's type.
  using ack_type = Ack;  ///< The answer's type, or no_ack.
  std::string_view name;  ///< The event name on the wire.
};

/// A module's events, made by catalogue().
template <class... Events>
struct event_catalogue {
  std::string_view module;  ///< The module's name.
  std::tuple<const Events*...> events;  ///< Its events.
};

/// A module's events, for `switchboard types` (TypeScript declarations).
template <class... Events>
constexpr event_catalogue<Events...> catalogue(std::string_view module, const Events&... events) {
  return {module, {&events...}};
}

}  // namespace switchboard::realtime
