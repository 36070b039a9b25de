#include "query.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <cassert>
#include <cstdint>

namespace switchboard::engine::detail {

std::optional<std::string> query_param(std::string_view target, std::string_view key) {
  const auto url = boost::urls::parse_origin_form(target);
  if (!url) return std::nullopt;
  const auto params = url->params();
  const auto it = params.find(key);
  if (it == params.end() || !(*it).has_value) return std::nullopt;
  return std::string((*it).value);
}

client_protocol client_protocol_of(std::string_view target) {
  static constexpr std::array<std::string_view, 2> keys{"EIO", "b64"};
  const auto [eio, b64] = query_params(target, keys);
  return {.version = eio == "3" ? 3 : 4, .b64 = b64.has_value()};
}

void query_params(std::string_view target, std::span<const std::string_view> keys,
                  std::span<std::optional<std::string>> values) {
  const auto url = boost::urls::parse_origin_form(target);
  if (!url) return;
  assert(keys.size() <= 64 && values.size() == keys.size());
  std::uint64_t seen = 0;  // only a key's first occurrence counts, as in query_param()
  std::size_t found = 0;
  for (const auto& param : url->params()) {
    for (std::size_t i = 0; i < keys.size(); ++i) {
      if ((seen >> i & 1) != 0 || param.key != keys[i]) continue;
      seen |= std::uint64_t{1} << i;
      ++found;
      if (param.has_value) values[i] = param.value;
    }
    if (found == keys.size()) return;
  }
}

}  // namespace switchboard::engine::detail
