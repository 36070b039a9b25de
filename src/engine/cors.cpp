#include "switchboard/engine/cors.hpp"

#include <algorithm>

namespace switchboard::engine {
namespace {

namespace bh = boost::beast::http;

bool matches(std::string_view pattern, std::string_view origin) noexcept {
  if (pattern == "*") return true;
  const std::size_t wildcard = pattern.find("://*.");
  if (wildcard == std::string_view::npos) return pattern == origin;
  // "https://*.example.com": same scheme, and a host of at least one more label.
  const std::string_view scheme = pattern.substr(0, wildcard + 3);
  const std::string_view suffix = pattern.substr(wildcard + 4);  // ".example.com"
  if (!origin.starts_with(scheme) || !origin.ends_with(suffix)) return false;
  const std::string_view label = origin.substr(scheme.size(), origin.size() - scheme.size() - suffix.size());
  return !label.empty() && label.find_first_of("/:@") == std::string_view::npos;
}

std::optional<std::string_view> origin_of(const http::request& req) {
  const auto it = req.find(bh::field::origin);
  if (it == req.end()) return std::nullopt;
  return std::string_view(it->value().data(), it->value().size());
}

}  // namespace

bool origin_allowed(const cors_options& cors, std::optional<std::string_view> origin) noexcept {
  if (!origin) return cors.allow_missing_origin;
  return std::any_of(cors.origins.begin(), cors.origins.end(),
                     [&](const std::string& pattern) { return matches(pattern, *origin); });
}

void add_cors_headers(const http::request& req, http::response& res) {
  const auto origin = origin_of(req);
  if (!origin) return;
  res.set(bh::field::access_control_allow_origin, *origin);
  res.set(bh::field::access_control_allow_credentials, "true");
  res.set(bh::field::vary, "Origin");
}

http::response preflight_response(const http::request& req) {
  http::response res{bh::status::no_content, req.version()};
  add_cors_headers(req, res);
  res.set(bh::field::access_control_allow_methods, "GET, POST, OPTIONS");
  const auto asked = req.find(bh::field::access_control_request_headers);
  res.set(bh::field::access_control_allow_headers,
          asked != req.end() ? std::string(asked->value()) : std::string("Content-Type, Authorization"));
  res.set(bh::field::access_control_max_age, "86400");
  res.keep_alive(req.keep_alive());
  res.prepare_payload();
  return res;
}

}  // namespace switchboard::engine
