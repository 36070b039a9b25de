#include "switchboard/auth/authenticator.hpp"

#include <boost/asio/post.hpp>
#include <boost/url/parse.hpp>
#include <algorithm>

#include "switchboard/auth/error.hpp"

namespace switchboard::auth {
namespace {


bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::optional<std::string> bearer_token(const engine::handshake_request& req) {
  const auto field = req.find("authorization");
  if (!field) return std::nullopt;
  const std::string_view value = trim(*field);
  constexpr std::string_view scheme = "Bearer ";
  if (value.size() <= scheme.size() || !iequals(value.substr(0, scheme.size()), scheme)) return std::nullopt;
  return std::string(trim(value.substr(scheme.size())));
}

// "a=1; b=2" -> the value of `name`, from every Cookie header.
std::optional<std::string> cookie_value(const engine::handshake_request& req, std::string_view name) {
  std::optional<std::string> found;
  req.for_each_field([&](std::string_view field_name, std::string_view field_value) {
    if (found || !iequals(field_name, "cookie")) return;
    std::string_view rest = field_value;
    while (!rest.empty()) {
      const auto end = rest.find(';');
      const std::string_view pair = trim(rest.substr(0, end));
      rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
      const auto eq = pair.find('=');
      if (eq == std::string_view::npos || trim(pair.substr(0, eq)) != name) continue;
      std::string_view value = trim(pair.substr(eq + 1));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
      if (!value.empty()) {
        found.emplace(value);
        return;
      }
    }
  });
  return found;
}

std::optional<std::string> query_value(const engine::handshake_request& req, std::string_view name) {
  const auto target = boost::urls::parse_origin_form(req.target());
  if (!target) return std::nullopt;
  const auto params = target->params();
  const auto it = params.find(name);
  if (it == params.end() || !(*it).has_value || (*it).value.empty()) return std::nullopt;
  return std::string((*it).value);
}

bool looks_like_jwt(std::string_view token) noexcept {
  const auto first = token.find('.');
  return first != std::string_view::npos && token.find('.', first + 1) != std::string_view::npos;
}

}  // namespace

bool usable_user_id(std::string_view id) noexcept {
  constexpr std::size_t max_user_id = 256;
  if (id.empty() || id.size() > max_user_id) return false;
  return std::ranges::none_of(id, [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

authenticator::authenticator(authenticator_options options) : options_(std::move(options)) {
  if (options_.sessions && !options_.workers) {
    throw std::invalid_argument("a session store needs a worker executor for its lookups");
  }
}

std::error_code authenticator::find_token(const boost::json::object& auth, const engine::handshake_request& handshake,
                                          std::string& token) const {
  const token_sources& src = options_.sources;
  if (const auto* value = auth.if_contains(src.auth_field)) {
    if (!value->is_string()) return errc::token_malformed;
    token = value->get_string();
    return {};
  }
  if (src.authorization_header) {
    if (auto t = bearer_token(handshake)) {
      token = std::move(*t);
      return {};
    }
  }
  if (!src.cookie.empty()) {
    if (auto t = cookie_value(handshake, src.cookie)) {
      token = std::move(*t);
      return {};
    }
  }
  if (auto t = query_value(handshake, src.query_param)) {
    if (!src.query) return errc::token_in_query_refused;
    token = std::move(*t);
    return {};
  }
  return errc::token_missing;
}

void authenticator::verify(std::string token, callback done) const {
  if (looks_like_session_token(token)) return verify_session(std::move(token), std::move(done));
  if (!looks_like_jwt(token)) return done(errc::token_malformed, {});
  if (!options_.jwt) return done(errc::algorithm_not_allowed, {});
  jwt::verified_token verified;
  if (const auto ec = options_.jwt->verify(token, verified)) return done(ec, {});
  if (!usable_user_id(verified.user_id)) return done(errc::user_id_missing, {});
  done({}, identity{.source = identity::kind::jwt,
                    .user_id = std::move(verified.user_id),
                    .claims = std::move(verified.claims),
                    .expires_at = verified.expires_at});
}

void authenticator::verify_session(std::string token, callback done) const {
  if (!options_.sessions) return done(errc::session_unknown, {});
  boost::asio::post(options_.workers, [store = options_.sessions, token = std::move(token), done = std::move(done)] {
    session_record record;
    std::string id = session_id_of(token);
    if (const auto ec = store->find(id, record)) return done(ec, {});
    if (record.revoked) return done(errc::session_revoked, {});
    if (!usable_user_id(record.user_id)) return done(errc::user_id_missing, {});
    const auto expires_at = std::chrono::system_clock::time_point(record.expires_at);
    if (expires_at <= std::chrono::system_clock::now()) return done(errc::session_expired, {});
    done({}, identity{.source = identity::kind::session,
                      .user_id = std::move(record.user_id),
                      .claims = {},
                      .expires_at = expires_at,
                      .session_id = std::move(id)});
  });
}

}  // namespace switchboard::auth
