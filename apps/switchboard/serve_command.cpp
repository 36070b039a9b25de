#include "serve_command.hpp"

#include <filesystem>
#include <iostream>

#include "duration.hpp"
#include "chat/chat_module.hpp"
#include "admin_ui.hpp"
#include "chat_api.hpp"
#include "cluster_node.hpp"
#include "demo_page.hpp"
#include "emit_api.hpp"
#include "limits.hpp"
#include "memory_release.hpp"
#include "metrics.hpp"
#include "routes.hpp"
#include "server_setup.hpp"
#include "switchboard/admin/instrument.hpp"
#include "switchboard/http/stop_signals.hpp"
#include "switchboard/log/sampled.hpp"
#include "switchboard/realtime/options.hpp"
#include "switchboard/realtime/server.hpp"

namespace switchboard::app {
namespace {

namespace beast_http = boost::beast::http;
using status = beast_http::status;

constexpr auto drain_time = std::chrono::seconds(5);

void configure_logging(const config& c) {
  log::options o;
  log::parse_format(c.log.format, o.output);
  log::parse_level(c.log.level, o.min_level);
  log::configure(o);
  log::configure_sampling({.window = c.log.sample_window});
}

// How connections (and the REST routes that act for a user) are authenticated; `workers` is
// the realtime server's.
auth::authenticator_options authentication(const config& c) {
  auth::authenticator_options o;
  o.sources.cookie = c.auth.session_cookie;
  o.sources.query = c.auth.allow_query_token;
  if (auto keys = jwt_keys(c); !keys.empty()) {
    o.jwt.emplace(std::move(keys), auth::jwt::verify_options{
                                            .leeway = c.auth.leeway,
                                            .issuer = c.auth.issuer.empty() ? std::nullopt : std::optional(c.auth.issuer),
                                            .audience = c.auth.audience.empty() ? std::nullopt : std::optional(c.auth.audience),
                                            .user_id_claim = c.auth.user_claim});
  }
  o.sessions = open_sessions(c);
  return o;
}

// /readyz: 503 "stopping" once the server stops; "degraded" (still 200: this node serves its own
// clients) while a cluster node cannot reach Redis.
void mount_routes(http::server& http, const cluster::redis_cluster* cluster_node) {
  http.mount("/healthz", std::make_shared<function_route>([](http::exchange_ptr ex) {
    ex->respond(json_response(ex->req(), status::ok, boost::json::object{{"status", "alive"}}));
  }));
  http.mount("/readyz", std::make_shared<function_route>([cluster_node](http::exchange_ptr ex) {
    const bool ready = static_cast<bool>(realtime::current());
    const bool redis_up = !cluster_node || cluster_node->stats().connected;
    boost::json::object body{{"status", !ready ? "stopping" : redis_up ? "ready" : "degraded"}};
    if (cluster_node) body["cluster"] = {{"redis", redis_up ? "connected" : "unreachable"}};
    ex->respond(json_response(ex->req(), ready ? status::ok : status::service_unavailable, body));
  }));
}

// The Admin UI's namespace and statistics, and its bundle at /admin/; null when not enabled.
std::shared_ptr<admin::instrumentation> start_admin(const config& c, realtime::server& server, http::server& http) {
  if (!c.admin.enabled) return nullptr;
  admin::options o;
  o.namespace_name = c.admin.namespace_name;
  o.username = c.admin.username;
  o.password_hash = c.admin.password_hash;
  o.read_only = c.admin.read_only;
  o.mode = c.admin.mode == "production" ? admin::mode::production : admin::mode::development;
  o.server_id = c.admin.server_id;
  o.max_reports_per_second = static_cast<std::uint32_t>(c.admin.max_reports_per_second);
  auto instrumentation = admin::instrumentation::attach(server.io(), http.shards().shard(0).get_executor(), server.workers(), o);
  if (c.admin.ui) {
    http.mount("/admin", make_admin_ui_route({.admin_namespace = o.namespace_name, .login_required = !o.username.empty()}));
  }
  log::info("admin UI enabled", {{"namespace", o.namespace_name}, {"login", o.username.empty() ? "none (loopback)" : "basic"},
                                 {"read_only", o.read_only ? "true" : "false"}, {"mode", c.admin.mode}});
  return instrumentation;
}

void serve(const config& c) {
  configure_logging(c);
  const http::stop_signals stop;  // before any thread starts

  http::server_options http_options{
      .address = c.server.address, .port = c.server.port, .more_addresses = c.server.more_addresses, .threads = c.server.threads};
  apply_limits(c, http_options);
  if (!c.tls.cert.empty()) http_options.tls = http::tls_options{.certificate_chain_file = c.tls.cert, .private_key_file = c.tls.key};
  http::server http(http_options);
  std::filesystem::create_directories(c.server.data_dir);
  auth::authenticator_options users = authentication(c);
  // Destroyed before `http`, whose shard 0 runs its Redis I/O; closed before the shards stop.
  const auto cluster_node = start_cluster(c, http.shards().shard(0).get_executor());
  realtime::options options;
  if (cluster_node) options.sio.adapter_factory = cluster_node->make_factory();
  options.sio.engine.cors.origins = c.cors.origins;
  const auto directory = cluster_node ? relay_polling(c, *cluster_node, options.sio.engine) : nullptr;
  apply_limits(c, options.sio);
  options.auth = users;
  options.guard.disconnect_on_expiry = c.auth.disconnect_on_expiry;
  if (c.admin.enabled) {  // the admin namespace has its own login, not the users' tokens
    options.guard.is_public = [admin_namespace = c.admin.namespace_name](std::string_view nsp) { return nsp == admin_namespace; };
  }
  options.revocation_poll = c.auth.revocation_poll;
  auto counters = std::make_shared<metrics>();
  options.guard.on_attempt = [counters](std::string_view outcome) { counters->attempt(outcome); };
  auto realtime_server = realtime::server::attach(http, std::move(options));
  counters->watch(*realtime_server);
  if (cluster_node) counters->watch([node = cluster_node.get()] { return node->stats(); });
  const auto releases = std::make_shared<memory_release>(http.shards().shard(0).get_executor(), c.server.memory_release_interval);
  counters->watch(releases);
  users.workers = realtime_server->workers();
  const auto admin = start_admin(c, *realtime_server, http);
  if (admin) counters->watch([admin] { return admin->counters(); });

  auto chat_store = std::make_shared<chat::chat_store>((std::filesystem::path(c.server.data_dir) / "chat.db").string());
  const bool development = c.auth.jwt_secret == development_secret;
  if (development) {  // the demo page's room; room_exists from an earlier run is fine
    std::string lobby;
    (void)chat_store->create_room("lobby", "Lobby", {"demo"}, 0, lobby);
  }
  chat::install(*realtime_server, chat_store, {.max_text = c.chat.max_text});
  mount_routes(http, cluster_node.get());
  http.mount("/metrics", make_metrics_route(counters, realtime_server->io().engine(), http));
  http.mount("/api/v1/emit", make_emit_api(c.api.keys, "user:", {.max_body = c.api.max_body, .max_batch = c.api.max_batch}));
  http.mount("/", make_demo_route(development ? mint_token(c, "demo", c.auth.demo_token_ttl) : std::string()));
  http.mount("/api/v1/chat/", make_chat_api(chat_store, std::make_shared<const auth::authenticator>(std::move(users)),
                                            c.api.keys, realtime_server->workers()));
  http.start();
  releases->start();
  if (directory) directory->advertise(advertised_address(c, http.port()));

  const std::string scheme = c.tls.cert.empty() ? "http" : "https";
  const std::string url = scheme + "://" + c.server.address + ":" + std::to_string(http.port()) + "/";
  std::cout << "switchboard listening on " << http.port() << ": " << url << std::endl;
  if (development) {
    std::cout << "demo page: " << url << "\ndemo token (user demo): " << mint_token(c, "demo", c.auth.demo_token_ttl)
              << std::endl;
  }
  log::info("listening", {{"url", url}});

  const int signal = stop.wait();
  log::info("stopping", {{"signal", signal == SIGTERM ? "SIGTERM" : "SIGINT"}});
  if (directory) directory->withdraw();  // the other nodes stop relaying here: their clients reconnect
  if (admin) admin->stop();
  const std::size_t left = realtime_server->stop(drain_time);  // every client told "server shutting down"
  if (cluster_node) stop_cluster(*cluster_node);
  releases->stop();
  http.stop();
  log::info("stopped", {{"sessions_left", left}});
}

}  // namespace

void add_serve_command(CLI::App& app) {
  auto flags = std::make_shared<config_flags>();
  auto* serve_cmd = app.add_subcommand("serve", "run the server");
  flags->add_to(*serve_cmd);
  auto port = std::make_shared<std::optional<std::uint16_t>>();
  serve_cmd->add_option("--port", *port, "listen on this port (0: any free port); same as --set server.port=N");
  serve_cmd->callback([flags, port] {
    config_flags effective = *flags;
    if (*port) effective.overrides.push_back("server.port=" + std::to_string(**port));
    serve(effective.load());
  });
}

void add_token_command(CLI::App& app) {
  auto flags = std::make_shared<config_flags>();
  auto* token = app.add_subcommand("token", "print a JWT for a user, signed with auth.jwt_secret");
  flags->add_to(*token);
  auto user = std::make_shared<std::string>();
  auto ttl = std::make_shared<std::string>("1h");
  token->add_option("--user", *user, "user id")->required();
  token->add_option("--ttl", *ttl, "lifetime: 90s, 15m, 1h, 7d")->capture_default_str();
  token->callback([flags, user, ttl] {
    const auto lifetime = parse_duration(*ttl);
    if (!lifetime || lifetime->count() == 0) throw CLI::ValidationError("--ttl", "expected a duration such as 15m, 1h or 7d");
    std::cout << mint_token(flags->load(), *user, *lifetime) << "\n";
  });
}

}  // namespace switchboard::app
