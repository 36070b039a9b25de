#pragma once
/// @file
/// Payload types described once and converted to and from JSON (and to TypeScript, see
/// typescript.hpp). A payload is a struct described with BOOST_DESCRIBE_STRUCT whose members are
/// bool, integers, floating point, std::string, `std::optional<T>` (may be absent),
/// `std::vector<T>`, `std::map<std::string, T>`, described enums (as their names), other
/// described structs, or boost::json::value (anything).
///
/// Written here rather than taken from Boost.JSON 1.81's described-class conversion, which needs
/// every member present and no others (so no optional fields) and reports no field path.
#include <boost/core/type_name.hpp>
#include <boost/describe/class.hpp>
#include <boost/describe/enum.hpp>
#include <boost/describe/enum_from_string.hpp>
#include <boost/describe/enum_to_string.hpp>
#include <boost/describe/enumerators.hpp>
#include <boost/describe/members.hpp>
#include <boost/json/value.hpp>
#include <boost/mp11/algorithm.hpp>
#include <cmath>
#include <concepts>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace switchboard::realtime {

/// Why a JSON value does not fit a payload type.
struct payload_error {
  std::string path;      ///< Where: "roomId", "items[2].name"; empty for the value itself.
  std::string expected;  ///< What was expected there: "string", "integer", "ChatSend"...
  /// "items[2].name: expected string" (or "payload: expected ..." for the value itself).
  std::string message() const { return (path.empty() ? std::string("payload") : path) + ": expected " + expected; }
};

namespace detail {

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};
template <class T>
struct is_vector : std::false_type {};
template <class T, class A>
struct is_vector<std::vector<T, A>> : std::true_type {};
template <class T>
struct is_string_map : std::false_type {};
template <class T, class C, class A>
struct is_string_map<std::map<std::string, T, C, A>> : std::true_type {};

template <class T>
concept described_struct = boost::describe::has_describe_members<T>::value;
template <class T>
concept described_enum = boost::describe::has_describe_enumerators<T>::value;
template <class T>
concept integer = std::integral<T> && !std::same_as<T, bool>;

std::string join_path(const std::string& base, std::string_view member);

}  // namespace detail

/// The unqualified name of a described struct or enum: "ChatMessage" for app::chat::ChatMessage.
template <class T>
std::string type_name() {
  std::string full = boost::core::type_name<T>();
  const auto colon = full.rfind("::");
  return colon == std::string::npos ? full : full.substr(colon + 2);
}

/// What a value of T looks like, in errors: "string", "integer", "array of string", "ChatSend".
template <class T>
std::string expected_name() {
  if constexpr (std::same_as<T, bool>) return "boolean";
  else if constexpr (detail::integer<T>) return "integer";
  else if constexpr (std::floating_point<T>) return "number";
  else if constexpr (std::same_as<T, std::string>) return "string";
  else if constexpr (std::same_as<T, boost::json::value>) return "any value";
  else if constexpr (detail::is_optional<T>::value) return expected_name<typename T::value_type>() + " or null";
  else if constexpr (detail::is_vector<T>::value) return "array of " + expected_name<typename T::value_type>();
  else if constexpr (detail::is_string_map<T>::value) return "object of " + expected_name<typename T::mapped_type>();
  else return type_name<T>();
}

/// The JSON value of `v`, a payload type or one of its member types: absent optional members are
/// left out, enums are their names ("unknown" for a value not described).
template <class T>
boost::json::value to_json(const T& v) {
  namespace json = boost::json;
  if constexpr (std::same_as<T, bool> || detail::integer<T> || std::floating_point<T>) {
    return json::value(v);
  } else if constexpr (std::same_as<T, std::string> || std::same_as<T, json::value>) {
    return json::value(v);
  } else if constexpr (detail::is_optional<T>::value) {
    return v ? to_json(*v) : json::value(nullptr);
  } else if constexpr (detail::is_vector<T>::value) {
    json::array out;
    out.reserve(v.size());
    for (const auto& item : v) out.push_back(to_json(item));
    return out;
  } else if constexpr (detail::is_string_map<T>::value) {
    json::object out;
    for (const auto& [key, item] : v) out[key] = to_json(item);
    return out;
  } else if constexpr (detail::described_enum<T>) {
    return json::value(boost::describe::enum_to_string(v, "unknown"));
  } else {
    static_assert(detail::described_struct<T>, "a payload member type must be described (BOOST_DESCRIBE_STRUCT)");
    json::object out;
    boost::mp11::mp_for_each<boost::describe::describe_members<T, boost::describe::mod_public>>([&](auto d) {
      const auto& member = v.*d.pointer;
      if constexpr (detail::is_optional<std::remove_cvref_t<decltype(member)>>::value) {
        if (!member) return;  // absent rather than null, as a TypeScript optional field
      }
      out[d.name] = to_json(member);
    });
    return out;
  }
}

/// Fills `out` from `v`; on a mismatch returns what and where. Unknown object keys are ignored;
/// an optional member may be absent or null; integers must fit T. `path` prefixes the error's
/// path.
template <class T>
std::optional<payload_error> from_json(const boost::json::value& v, T& out, const std::string& path = {}) {
  namespace json = boost::json;
  const auto fail = [&] { return std::optional<payload_error>(payload_error{path, expected_name<T>()}); };
  if constexpr (std::same_as<T, bool>) {
    if (!v.is_bool()) return fail();
    out = v.get_bool();
  } else if constexpr (detail::integer<T>) {
    if (v.is_int64()) {
      const auto i = v.get_int64();
      if constexpr (std::is_unsigned_v<T>) {
        if (i < 0 || static_cast<std::uint64_t>(i) > std::numeric_limits<T>::max()) return fail();
      } else {
        if (i < std::numeric_limits<T>::min() || i > std::numeric_limits<T>::max()) return fail();
      }
      out = static_cast<T>(i);
    } else if (v.is_uint64()) {
      if (v.get_uint64() > static_cast<std::uint64_t>(std::numeric_limits<T>::max())) return fail();
      out = static_cast<T>(v.get_uint64());
    } else {
      return fail();
    }
  } else if constexpr (std::floating_point<T>) {
    if (!v.is_number()) return fail();
    out = static_cast<T>(v.to_number<double>());
  } else if constexpr (std::same_as<T, std::string>) {
    if (!v.is_string()) return fail();
    out = std::string(v.get_string());
  } else if constexpr (std::same_as<T, json::value>) {
    out = v;
  } else if constexpr (detail::is_optional<T>::value) {
    if (v.is_null()) {
      out.reset();
      return std::nullopt;
    }
    typename T::value_type inner{};
    if (auto error = from_json(v, inner, path)) return error;
    out = std::move(inner);
  } else if constexpr (detail::is_vector<T>::value) {
    if (!v.is_array()) return fail();
    out.clear();
    out.reserve(v.get_array().size());
    for (std::size_t i = 0; i < v.get_array().size(); ++i) {
      typename T::value_type item{};
      if (auto error = from_json(v.get_array()[i], item, path + "[" + std::to_string(i) + "]")) return error;
      out.push_back(std::move(item));
    }
  } else if constexpr (detail::is_string_map<T>::value) {
    if (!v.is_object()) return fail();
    out.clear();
    for (const auto& [key, item] : v.get_object()) {
      typename T::mapped_type value{};
      if (auto error = from_json(item, value, detail::join_path(path, key))) return error;
      out.emplace(std::string(key), std::move(value));
    }
  } else if constexpr (detail::described_enum<T>) {
    if (!v.is_string() || !boost::describe::enum_from_string(std::string(v.get_string()).c_str(), out)) return fail();
  } else {
    static_assert(detail::described_struct<T>, "a payload member type must be described (BOOST_DESCRIBE_STRUCT)");
    if (!v.is_object()) return fail();
    const json::object& object = v.get_object();
    std::optional<payload_error> error;
    boost::mp11::mp_for_each<boost::describe::describe_members<T, boost::describe::mod_public>>([&](auto d) {
      if (error) return;
      auto& member = out.*d.pointer;
      using member_type = std::remove_cvref_t<decltype(member)>;
      const std::string member_path = detail::join_path(path, d.name);
      const json::value* field = object.if_contains(d.name);
      if (field == nullptr) {
        if constexpr (detail::is_optional<member_type>::value) {
          member.reset();
        } else {
          error = payload_error{member_path, expected_name<member_type>()};
        }
        return;
      }
      error = from_json(*field, member, member_path);
    });
    return error;
  }
  return std::nullopt;
}

}  // namespace switchboard::realtime
