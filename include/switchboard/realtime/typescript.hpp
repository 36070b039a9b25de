#pragma once
/// @file
/// TypeScript declarations generated from event catalogues, so that a front end using
/// socket.io-client is typed as strictly as the server:
///
/// @code
///   const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(url);
/// @endcode
///
/// Payload structs become interfaces (std::optional members become optional fields), described
/// enums become unions of their names, and acknowledged events take an `Ack<T>` callback.
#include <map>
#include <string>
#include <tuple>

#include "switchboard/realtime/event.hpp"
#include "switchboard/realtime/payload.hpp"

namespace switchboard::realtime {

namespace detail {

// Declarations by name, in name order, so that the output is stable.
using declarations = std::map<std::string, std::string>;

std::string ts_event_line(std::string_view name, const std::string& payload_type, const std::string* ack_type);
std::string ts_file(const declarations& types, const std::string& server_events, const std::string& client_events);

template <class T>
std::string ts_type(declarations& out) {
  if constexpr (std::same_as<T, bool>) {
    return "boolean";
  } else if constexpr (detail::integer<T> || std::floating_point<T>) {
    return "number";
  } else if constexpr (std::same_as<T, std::string>) {
    return "string";
  } else if constexpr (std::same_as<T, boost::json::value>) {
    return "unknown";
  } else if constexpr (detail::is_optional<T>::value) {
    return ts_type<typename T::value_type>(out) + " | null";
  } else if constexpr (detail::is_vector<T>::value) {
    return "Array<" + ts_type<typename T::value_type>(out) + ">";
  } else if constexpr (detail::is_string_map<T>::value) {
    return "Record<string, " + ts_type<typename T::mapped_type>(out) + ">";
  } else if constexpr (detail::described_enum<T>) {
    const std::string name = type_name<T>();
    std::string body = "export type " + name + " =";
    bool first = true;
    boost::mp11::mp_for_each<boost::describe::describe_enumerators<T>>([&](auto e) {
      body += first ? " \"" : " | \"";
      body += e.name;
      body += '"';
      first = false;
    });
    out[name] = body + ";\n";
    return name;
  } else {
    static_assert(detail::described_struct<T>, "a payload type must be described (BOOST_DESCRIBE_STRUCT)");
    const std::string name = type_name<T>();
    if (out.contains(name)) return name;
    out[name] = {};  // reserved first: a recursive type refers to itself by name
    std::string body = "export interface " + name + " {\n";
    boost::mp11::mp_for_each<boost::describe::describe_members<T, boost::describe::mod_public>>([&](auto d) {
      using member = std::remove_cvref_t<decltype(std::declval<T&>().*d.pointer)>;
      body += "  ";
      body += d.name;
      if constexpr (detail::is_optional<member>::value) {
        body += "?: " + ts_type<typename member::value_type>(out) + " | null;\n";
      } else {
        body += ": " + ts_type<member>(out) + ";\n";
      }
    });
    out[name] = body + "}\n";
    return name;
  }
}

template <class P>
void add_event(const server_event<P>& e, declarations& types, std::string& server_events, std::string&) {
  server_events += ts_event_line(e.name, ts_type<P>(types), nullptr);
}

template <class P, class A>
void add_event(const client_event<P, A>& e, declarations& types, std::string&, std::string& client_events) {
  const std::string payload = ts_type<P>(types);
  if constexpr (std::is_same_v<A, no_ack>) {
    client_events += ts_event_line(e.name, payload, nullptr);
  } else {
    const std::string ack = ts_type<A>(types);
    client_events += ts_event_line(e.name, payload, &ack);
  }
}

}  // namespace detail

/// One .d.ts text for every event of the given catalogues.
/// @code
/// std::cout << rt::typescript_declarations(orders::events, notes::events);
/// @endcode
template <class... Catalogues>
std::string typescript_declarations(const Catalogues&... catalogues) {
  detail::declarations types;
  std::string server_events;
  std::string client_events;
  const auto add_catalogue = [&](const auto& c) {
    std::apply([&](const auto*... events) { (detail::add_event(*events, types, server_events, client_events), ...); },
               c.events);
  };
  (add_catalogue(catalogues), ...);
  return detail::ts_file(types, server_events, client_events);
}

}  // namespace switchboard::realtime
