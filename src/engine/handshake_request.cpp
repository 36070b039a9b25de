#include "switchboard/engine/handshake_request.hpp"

#include <boost/beast/core/string.hpp>
#include <cstring>
#include <limits>
#include <stdexcept>

namespace switchboard::engine {
namespace {

template <class Size>
void append_size(std::string& out, std::size_t size) {
  if (size > std::numeric_limits<Size>::max()) throw std::length_error("handshake field too long");
  const auto value = static_cast<Size>(size);
  out.append(reinterpret_cast<const char*>(&value), sizeof value);
}

template <class Size>
Size read_size(const std::string& text, std::size_t at) noexcept {
  Size value;
  std::memcpy(&value, text.data() + at, sizeof value);
  return value;
}

}  // namespace

handshake_request::handshake_request(const http::request& request) {
  const std::string_view target = request.target();
  std::size_t size = target.size();
  for (const auto& f : request) size += 6 + f.name_string().size() + f.value().size();
  text_.reserve(size);
  text_.append(target);
  target_size_ = static_cast<std::uint32_t>(target.size());
  for (const auto& f : request) {
    append_size<std::uint16_t>(text_, f.name_string().size());
    append_size<std::uint32_t>(text_, f.value().size());
    text_.append(f.name_string()).append(f.value());
  }
}

handshake_request::field handshake_request::field_at(std::size_t at) const noexcept {
  const auto name_size = read_size<std::uint16_t>(text_, at);
  const auto value_size = read_size<std::uint32_t>(text_, at + 2);
  const std::string_view all(text_);
  return {all.substr(at + 6, name_size), all.substr(at + 6 + name_size, value_size), at + 6 + name_size + value_size};
}

std::optional<std::string_view> handshake_request::find(std::string_view name) const noexcept {
  for (std::size_t at = target_size_; at < text_.size();) {
    const field f = field_at(at);
    if (boost::beast::iequals(f.name, name)) return f.value;
    at = f.next;
  }
  return std::nullopt;
}

}  // namespace switchboard::engine
