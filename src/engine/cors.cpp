#include "switchboard/engine/cors.hpp"

#include <algorithm>
#include <cctype>

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

bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// `origin` is "<scheme>://<host>" with the host as the Host header gives it, or without the
// scheme's default port (browsers leave it out of Origin).
bool same_origin_with(std::string_view origin, std::string_view scheme, std::string_view default_port,
                      std::string_view host) noexcept {
  if (!origin.starts_with(scheme)) return false;
  const std::string_view rest = origin.substr(scheme.size());
  if (iequals(rest, host)) return true;
  return host.ends_with(default_port) && iequals(rest, host.substr(0, host.size() - default_port.size()));
}

bool same_origin(std::string_view origin, std::string_view host) noexcept {
  if (host.empty()) return false;
  return same_origin_with(origin, "http://", ":80", host) || same_origin_with(origin, "https://", ":443", host);
}

}  // namespace

bool origin_allowed(const cors_options& cors, std::optional<std::string_view> origin) noexcept {
  if (!origin) return cors.allow_missing_origin;
  return std::any_of(cors.origins.begin(), cors.origins.end(),
                     [&](const std::string& pattern) { return matches(pattern, *origin); });
}

bool origin_allowed(const cors_options& cors, const http::request& req) noexcept {
  const auto origin = origin_of(req);
  if (origin_allowed(cors, origin)) return true;
  if (!origin) return false;
  const auto host = req.find(bh::field::host);
  return host != req.end() && same_origin(*origin, std::string_view(host->value().data(), host->value().size()));
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
