#include "config.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <functional>
#include <toml++/toml.h>

#include "duration.hpp"
#include "switchboard/admin/instrument.hpp"
#include "switchboard/http/peer_address.hpp"

extern char** environ;

namespace switchboard::app {
namespace {

// One setting: how to read it from TOML and from text (environment, --set), and what it expects.
struct setting {
  std::string name;
  std::string expected;
  std::function<bool(config&, const toml::node&)> from_toml;
  std::function<bool(config&, std::string_view)> from_text;
};

template <class Get>
setting text(std::string name, Get get) {
  return {std::move(name), "a string",
          [get](config& c, const toml::node& n) {
            if (!n.is_string()) return false;
            get(c) = n.value<std::string>().value();
            return true;
          },
          [get](config& c, std::string_view v) {
            get(c) = std::string(v);
            return true;
          }};
}

template <class Get>
setting integer(std::string name, std::int64_t min, std::int64_t max, Get get) {
  const auto in_range = [min, max](std::int64_t v) { return v >= min && v <= max; };
  return {std::move(name), "an integer from " + std::to_string(min) + " to " + std::to_string(max),
          [get, in_range](config& c, const toml::node& n) {
            const auto v = n.value<std::int64_t>();
            if (!n.is_integer() || !v || !in_range(*v)) return false;
            get(c) = static_cast<std::remove_reference_t<decltype(get(c))>>(*v);
            return true;
          },
          [get, in_range](config& c, std::string_view text) {
            std::int64_t v = 0;
            const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
            if (ec != std::errc() || end != text.data() + text.size() || !in_range(v)) return false;
            get(c) = static_cast<std::remove_reference_t<decltype(get(c))>>(v);
            return true;
          }};
}

template <class Get>
setting boolean(std::string name, Get get) {
  return {std::move(name), "true or false",
          [get](config& c, const toml::node& n) {
            if (!n.is_boolean()) return false;
            get(c) = n.value<bool>().value();
            return true;
          },
          [get](config& c, std::string_view v) {
            if (v != "true" && v != "false") return false;
            get(c) = v == "true";
            return true;
          }};
}

template <class Get>
setting duration(std::string name, Get get) {
  const auto set = [get](config& c, std::string_view v) {
    const auto d = parse_duration(v);
    if (!d) return false;
    get(c) = *d;
    return true;
  };
  return {std::move(name), "a duration such as 30s, 15m, 12h or 7d",
          [set](config& c, const toml::node& n) { return n.is_string() && set(c, *n.value<std::string>()); }, set};
}

template <class Get>
setting timeout(std::string name, Get get) {
  const auto set = [get](config& c, std::string_view v) {
    const auto d = parse_milliseconds(v);
    if (!d || d->count() == 0) return false;
    get(c) = *d;
    return true;
  };
  return {std::move(name), "a positive duration such as 500ms, 5s or 1m",
          [set](config& c, const toml::node& n) { return n.is_string() && set(c, *n.value<std::string>()); }, set};
}

template <class Get>
setting one_of(std::string name, std::vector<std::string> choices, Get get) {
  std::string expected = "one of";
  for (const auto& choice : choices) expected += " \"" + choice + "\"";
  const auto set = [get, choices](config& c, std::string_view v) {
    if (std::find(choices.begin(), choices.end(), v) == choices.end()) return false;
    get(c) = std::string(v);
    return true;
  };
  return {std::move(name), expected,
          [set](config& c, const toml::node& n) { return n.is_string() && set(c, *n.value<std::string>()); }, set};
}

template <class Get>
setting list(std::string name, Get get) {
  return {std::move(name), "an array of strings (comma-separated in the environment)",
          [get](config& c, const toml::node& n) {
            const auto* array = n.as_array();
            if (!array) return false;
            std::vector<std::string> out;
            for (const auto& item : *array) {
              if (!item.is_string()) return false;
              out.push_back(*item.value<std::string>());
            }
            get(c) = std::move(out);
            return true;
          },
          [get](config& c, std::string_view v) {
            std::vector<std::string> out;
            while (!v.empty()) {
              const auto comma = v.find(',');
              if (comma != 0) out.emplace_back(v.substr(0, comma));
              v = comma == std::string_view::npos ? std::string_view() : v.substr(comma + 1);
            }
            get(c) = std::move(out);
            return true;
          }};
}

template <class Get>
setting table(std::string name, Get get) {
  return {std::move(name), "a table of strings (name=value,name=value in the environment)",
          [get](config& c, const toml::node& n) {
            const auto* t = n.as_table();
            if (!t) return false;
            std::map<std::string, std::string> out;
            for (const auto& [key, value] : *t) {
              if (!value.is_string()) return false;
              out[std::string(key.str())] = value.as_string()->get();
            }
            get(c) = std::move(out);
            return true;
          },
          [get](config& c, std::string_view v) {
            std::map<std::string, std::string> out;
            while (!v.empty()) {
              const std::string_view pair = v.substr(0, v.find(','));
              const auto eq = pair.find('=');
              if (eq == std::string_view::npos || eq == 0) return false;
              out[std::string(pair.substr(0, eq))] = std::string(pair.substr(eq + 1));
              v = pair.size() == v.size() ? std::string_view() : v.substr(pair.size() + 1);
            }
            get(c) = std::move(out);
            return true;
          }};
}

const std::vector<setting>& settings() {
  static const std::vector<setting> all = {
      text("server.address", [](config& c) -> auto& { return c.server.address; }),
      one_of("server.parser", {"json", "msgpack"}, [](config& c) -> auto& { return c.server.parser; }),
      list("server.more_addresses", [](config& c) -> auto& { return c.server.more_addresses; }),
      integer("server.port", 0, 65535, [](config& c) -> auto& { return c.server.port; }),
      integer("server.threads", 0, 256, [](config& c) -> auto& { return c.server.threads; }),
      text("server.data_dir", [](config& c) -> auto& { return c.server.data_dir; }),
      boolean("server.trust_proxy", [](config& c) -> auto& { return c.server.trust_proxy; }),
      timeout("server.memory_release_interval", [](config& c) -> auto& { return c.server.memory_release_interval; }),
      text("tls.cert", [](config& c) -> auto& { return c.tls.cert; }),
      text("tls.key", [](config& c) -> auto& { return c.tls.key; }),
      list("cors.origins", [](config& c) -> auto& { return c.cors.origins; }),
      one_of("log.format", {"text", "json"}, [](config& c) -> auto& { return c.log.format; }),
      one_of("log.level", {"debug", "info", "warn", "error", "off"}, [](config& c) -> auto& { return c.log.level; }),
      timeout("log.sample_window", [](config& c) -> auto& { return c.log.sample_window; }),
      text("auth.jwt_secret", [](config& c) -> auto& { return c.auth.jwt_secret; }),
      text("auth.jwt_public_key", [](config& c) -> auto& { return c.auth.jwt_public_key; }),
      one_of("auth.jwt_public_key_algorithm", {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA"},
             [](config& c) -> auto& { return c.auth.jwt_public_key_algorithm; }),
      text("auth.jwks", [](config& c) -> auto& { return c.auth.jwks; }),
      text("auth.issuer", [](config& c) -> auto& { return c.auth.issuer; }),
      text("auth.audience", [](config& c) -> auto& { return c.auth.audience; }),
      duration("auth.leeway", [](config& c) -> auto& { return c.auth.leeway; }),
      duration("auth.demo_token_ttl", [](config& c) -> auto& { return c.auth.demo_token_ttl; }),
      text("auth.user_claim", [](config& c) -> auto& { return c.auth.user_claim; }),
      text("auth.session_cookie", [](config& c) -> auto& { return c.auth.session_cookie; }),
      boolean("auth.allow_query_token", [](config& c) -> auto& { return c.auth.allow_query_token; }),
      boolean("auth.disconnect_on_expiry", [](config& c) -> auto& { return c.auth.disconnect_on_expiry; }),
      timeout("auth.revocation_poll", [](config& c) -> auto& { return c.auth.revocation_poll; }),
      one_of("auth.sessions", {"sqlite", "redis"}, [](config& c) -> auto& { return c.auth.sessions; }),
      text("auth.redis", [](config& c) -> auto& { return c.auth.redis; }),
      table("api.keys", [](config& c) -> auto& { return c.api.keys; }),
      integer("api.max_body", 1024, std::int64_t{64} << 20, [](config& c) -> auto& { return c.api.max_body; }),
      integer("api.max_batch", 1, 100'000, [](config& c) -> auto& { return c.api.max_batch; }),
      timeout("engine.ping_interval", [](config& c) -> auto& { return c.engine.ping_interval; }),
      timeout("engine.ping_timeout", [](config& c) -> auto& { return c.engine.ping_timeout; }),
      boolean("engine.allow_eio3", [](config& c) -> auto& { return c.engine.allow_eio3; }),
      integer("engine.max_payload", 1024, std::int64_t{1} << 30, [](config& c) -> auto& { return c.engine.max_payload; }),
      integer("chat.max_text", 1, 1'000'000, [](config& c) -> auto& { return c.chat.max_text; }),
      integer("limits.connections", 0, 10'000'000, [](config& c) -> auto& { return c.limits.connections; }),
      integer("limits.connections_per_address", 0, 10'000'000, [](config& c) -> auto& { return c.limits.connections_per_address; }),
      integer("limits.header_connections", 1, 10'000'000, [](config& c) -> auto& { return c.limits.header_connections; }),
      timeout("limits.header_timeout", [](config& c) -> auto& { return c.limits.header_timeout; }),
      integer("limits.outbound_packets", 1, 1'000'000, [](config& c) -> auto& { return c.limits.outbound_packets; }),
      integer("limits.outbound_bytes", 1024, std::int64_t{1} << 32, [](config& c) -> auto& { return c.limits.outbound_bytes; }),
      one_of("limits.overflow", {"close", "drop"}, [](config& c) -> auto& { return c.limits.overflow; }),
      integer("limits.sessions_per_address", 0, 10'000'000, [](config& c) -> auto& { return c.limits.sessions_per_address; }),
      integer("limits.handshakes_per_second", 0, 1'000'000, [](config& c) -> auto& { return c.limits.handshakes_per_second; }),
      integer("limits.handshake_burst", 1, 1'000'000, [](config& c) -> auto& { return c.limits.handshake_burst; }),
      boolean("limits.exempt_loopback", [](config& c) -> auto& { return c.limits.exempt_loopback; }),
      list("limits.exempt_addresses", [](config& c) -> auto& { return c.limits.exempt_addresses; }),
      integer("limits.unauthenticated_sessions", 0, 10'000'000, [](config& c) -> auto& { return c.limits.unauthenticated_sessions; }),
      integer("limits.unauthenticated_bytes", 0, std::int64_t{1} << 40, [](config& c) -> auto& { return c.limits.unauthenticated_bytes; }),
      timeout("limits.pre_auth_timeout", [](config& c) -> auto& { return c.limits.pre_auth_timeout; }),
      integer("limits.events_per_second", 0, 1'000'000, [](config& c) -> auto& { return c.limits.events_per_second; }),
      integer("limits.event_burst", 1, 1'000'000, [](config& c) -> auto& { return c.limits.event_burst; }),
      one_of("limits.event_flood", {"drop", "disconnect"}, [](config& c) -> auto& { return c.limits.event_flood; }),
      integer("limits.pending_acks", 1, 1'000'000, [](config& c) -> auto& { return c.limits.pending_acks; }),
      integer("limits.parked_attachment_bytes", 0, std::int64_t{1} << 32, [](config& c) -> auto& { return c.limits.parked_attachment_bytes; }),
      text("cluster.redis", [](config& c) -> auto& { return c.cluster.redis; }),
      text("cluster.key", [](config& c) -> auto& { return c.cluster.key; }),
      timeout("cluster.request_timeout", [](config& c) -> auto& { return c.cluster.request_timeout; }),
      boolean("cluster.specific_response_channel", [](config& c) -> auto& { return c.cluster.specific_response_channel; }),
      one_of("cluster.adapter", {"classic", "sharded"}, [](config& c) -> auto& { return c.cluster.adapter; }),
      one_of("cluster.subscription_mode", {"static", "dynamic", "dynamic-private"},
             [](config& c) -> auto& { return c.cluster.subscription_mode; }),
      text("cluster.advertise", [](config& c) -> auto& { return c.cluster.advertise; }),
      integer("cluster.relay_connections", 1, 1'000'000, [](config& c) -> auto& { return c.cluster.relay_connections; }),
      boolean("admin.enabled", [](config& c) -> auto& { return c.admin.enabled; }),
      text("admin.username", [](config& c) -> auto& { return c.admin.username; }),
      text("admin.password_hash", [](config& c) -> auto& { return c.admin.password_hash; }),
      boolean("admin.read_only", [](config& c) -> auto& { return c.admin.read_only; }),
      one_of("admin.mode", {"development", "production"}, [](config& c) -> auto& { return c.admin.mode; }),
      text("admin.server_id", [](config& c) -> auto& { return c.admin.server_id; }),
      text("admin.namespace", [](config& c) -> auto& { return c.admin.namespace_name; }),
      boolean("admin.ui", [](config& c) -> auto& { return c.admin.ui; }),
      integer("admin.max_reports_per_second", 0, 1'000'000, [](config& c) -> auto& { return c.admin.max_reports_per_second; }),
  };
  return all;
}

const setting* find_setting(std::string_view name) {
  for (const auto& s : settings()) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

// A TOML value as written, for errors.
std::string shown(const toml::node& n) {
  if (const auto* v = n.as_string()) return "\"" + v->get() + "\"";
  if (const auto* v = n.as_integer()) return std::to_string(v->get());
  if (const auto* v = n.as_floating_point()) return std::to_string(v->get());
  if (const auto* v = n.as_boolean()) return v->get() ? "true" : "false";
  if (n.is_array()) return "[...]";
  if (n.is_table()) return "{...}";
  return "(a date or time)";
}

[[noreturn]] void invalid(std::string_view where, const setting& s, std::string_view value) {
  throw config_error(std::string(where) + ": " + s.name + " = " + std::string(value) + ": expected " + s.expected);
}

// SWITCHBOARD_SERVER_PORT -> server.port
std::optional<std::string> setting_of_variable(std::string_view variable) {
  constexpr std::string_view prefix = "SWITCHBOARD_";
  if (!variable.starts_with(prefix)) return std::nullopt;
  for (const auto& s : settings()) {
    std::string expected(prefix);
    for (char c : s.name) expected += c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (expected == variable) return s.name;
  }
  return std::nullopt;
}

bool is_loopback(const std::string& a) { return a == "127.0.0.1" || a == "::1" || a == "localhost"; }

void check_admin(const config& c, const std::vector<std::string>& addresses) {
  const auto& a = c.admin;
  if (a.username.empty() != a.password_hash.empty()) {
    throw config_error("admin: set both admin.username and admin.password_hash, or neither");
  }
  if (!a.password_hash.empty() && !admin::is_bcrypt_hash(a.password_hash)) {
    throw config_error("admin.password_hash: expected a bcrypt hash ($2b$12$...; e.g. htpasswd -nbBC 12 \"\" password)");
  }
  if (a.namespace_name.size() < 2 || a.namespace_name.front() != '/' || a.namespace_name.find(',') != std::string::npos) {
    throw config_error("admin.namespace = " + a.namespace_name + ": expected a namespace such as \"/admin\"");
  }
  if (a.password_hash.empty()) {
    for (const auto& address : addresses) {
      if (!is_loopback(address)) {
        throw config_error("admin.enabled without admin.password_hash: refused on " + address +
                           " (anyone reaching it could disconnect your users; set admin.username and admin.password_hash)");
      }
    }
  }
}

void check(const config& c) {
  if ((c.tls.cert.empty()) != (c.tls.key.empty())) throw config_error("tls: set both tls.cert and tls.key, or neither");
  if (c.auth.sessions == "redis" && c.auth.redis.empty()) throw config_error("auth.sessions = \"redis\" needs auth.redis");
  std::vector<std::string> addresses{c.server.address};
  addresses.insert(addresses.end(), c.server.more_addresses.begin(), c.server.more_addresses.end());
  for (const auto& address : addresses) {
    if (c.auth.jwt_secret == development_secret && !is_loopback(address)) {
      throw config_error("auth.jwt_secret is the development secret: refused on " + address +
                         " (set a secret of your own for any non-loopback address)");
    }
  }
  if (c.auth.jwt_secret == placeholder_secret) {
    throw config_error("auth.jwt_secret is the placeholder of the packaged configuration: set a secret of your own "
                       "(e.g. openssl rand -hex 32) in /etc/switchboard/switchboard.toml or SWITCHBOARD_AUTH_JWT_SECRET");
  }
  if (c.admin.enabled) check_admin(c, addresses);
  if (c.cluster.key.empty()) throw config_error("cluster.key is empty: the Redis channels need a prefix (default \"socket.io\")");
  for (const auto& [name, key] : c.api.keys) {
    if (key.size() < 16) throw config_error("api.keys." + name + ": an API key needs at least 16 characters");
  }
  try {
    (void)http::address_ranges::parse(c.limits.exempt_addresses);
  } catch (const std::invalid_argument& e) {
    throw config_error(std::string("limits.exempt_addresses: ") + e.what());
  }
}

}  // namespace

std::vector<std::string> setting_names() {
  std::vector<std::string> names;
  for (const auto& s : settings()) names.push_back(s.name);
  return names;
}

std::map<std::string, std::string> switchboard_environment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    const std::string_view entry(*e);
    const auto eq = entry.find('=');
    if (entry.starts_with("SWITCHBOARD_") && eq != std::string_view::npos) {
      env.emplace(std::string(entry.substr(0, eq)), std::string(entry.substr(eq + 1)));
    }
  }
  return env;
}

config load_config(const std::string& path, const std::map<std::string, std::string>& env,
                   const std::vector<std::string>& overrides) {
  config c;
  if (!path.empty()) {
    toml::table file;
    try {
      file = toml::parse_file(path);
    } catch (const toml::parse_error& e) {
      throw config_error(path + ":" + std::to_string(e.source().begin.line) + ": " + std::string(e.description()));
    }
    for (const auto& [section, body] : file) {
      const auto* fields = body.as_table();
      if (!fields) throw config_error(path + ": " + std::string(section.str()) + ": expected a [section]");
      for (const auto& [key, value] : *fields) {
        const std::string name = std::string(section.str()) + "." + std::string(key.str());
        const setting* s = find_setting(name);
        if (!s) throw config_error(path + ": unknown setting " + name);
        if (!s->from_toml(c, value)) invalid(path, *s, shown(value));
      }
    }
  }
  for (const auto& [variable, value] : env) {
    const auto name = setting_of_variable(variable);
    if (!name) continue;  // other SWITCHBOARD_* variables (tooling's) are not settings
    const setting& s = *find_setting(*name);
    if (!s.from_text(c, value)) invalid(variable, s, value);
  }
  for (const auto& o : overrides) {
    const auto eq = o.find('=');
    const setting* s = eq == std::string::npos ? nullptr : find_setting(o.substr(0, eq));
    if (!s) throw config_error("--set " + o + ": expected section.key=value with a known key");
    if (!s->from_text(c, std::string_view(o).substr(eq + 1))) invalid("--set", *s, o.substr(eq + 1));
  }
  check(c);
  return c;
}

}  // namespace switchboard::app
