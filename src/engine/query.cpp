#include "query.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

namespace switchboard::engine::detail {

std::optional<std::string> query_param(std::string_view target, std::string_view key) {
  const auto url = boost::urls::parse_origin_form(target);
  if (!url) return std::nullopt;
  const auto params = url->params();
  const auto it = params.find(key);
  if (it == params.end() || !(*it).has_value) return std::nullopt;
  return std::string((*it).value);
}

}  // namespace switchboard::engine::detail
