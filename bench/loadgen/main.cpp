// switchboard-bench: the load generator of bench/run.sh. It speaks Engine.IO v4 / Socket.IO v5
// to switchboard, to the Node.js reference server and to the hardware floor alike, and prints one
// JSON object per run on stdout (progress and a summary on stderr).
#include <CLI/CLI.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>
#include <iostream>

#include "net.hpp"
#include "scenarios.hpp"

namespace {

using namespace switchboard::bench;

boost::asio::ip::tcp::endpoint endpoint_of(const std::string& url, const std::string& option) {
  const auto parsed = boost::urls::parse_uri(url);
  if (!parsed || parsed->scheme() != "http" || !parsed->has_port()) {
    throw CLI::ValidationError(option, "expected http://ADDRESS:PORT");
  }
  return {boost::asio::ip::make_address(parsed->host()), parsed->port_number()};
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"switchboard-bench: Socket.IO load generator (see bench/run.sh and docs/BENCHMARKS.md)"};
  run_options options;
  std::string url, emit_url, kind = "switchboard";
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);  // run.sh's extra arguments win
  app.add_option("scenario", options.scenario, "fanout | users | connect | idle | scale | polling | cluster | emitter")
      ->required()->check(CLI::IsMember({"fanout", "users", "connect", "idle", "scale", "polling", "cluster", "emitter"}));
  app.add_option("--url", url, "the server, http://ADDRESS:PORT")->required();
  auto* emit_url_option = app.add_option("--emit-url", emit_url, "where REST emits go (default: --url): another node of its cluster");
  app.add_option("--kind", kind, "how to trigger emits")->check(CLI::IsMember({"switchboard", "reference", "floor"}));
  app.add_option("--name", options.server_name, "the server's name in the report (default: --kind)");
  app.add_option("--server-pid", options.server_pid, "the server process, for its CPU time and RSS")->required();
  app.add_option("--emit-server-pid", options.emit_server_pid, "the --emit-url server's process: its CPU time counts too")
      ->needs(emit_url_option);
  app.add_option("--server-cpus", options.server_cpus, "cores the server may use (fanout saturation is 95% of them)");
  app.add_option("--jwt-secret", options.jwt_secret, "HS256 secret the server verifies tokens with")->required();
  app.add_option("--api-key", options.api_key, "REST emit API key");
  app.add_option("--connections", options.connections, "clients (fanout, users, idle, scale, polling, cluster)");
  app.add_option("--rate", options.rate, "events per second (users, scale, polling, cluster)");
  app.add_option("--emit-delay", options.emit_delay_seconds,
                 "seconds between the last connection and the first emit (cluster-scale measures the idle cost there)");
  app.add_option("--user-prefix", options.user_prefix, "users are PREFIX0, PREFIX1...: several generators on one cluster keep theirs apart");
  app.add_option("--fanout-rates", options.fanout_rates, "broadcast rates to step through (default: x1.5 from 5/s until saturation)")->delimiter(',')->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_option("--step-seconds", options.step_seconds, "seconds per fanout rate");
  app.add_option("--duration", options.duration_seconds, "seconds of events (users, scale, polling, cluster)");
  app.add_option("--connect-total", options.connect_total, "connections to open and close (connect)");
  app.add_option("--handshake-concurrency", options.handshake_concurrency, "handshakes in flight at once");
  app.add_option("--emit-connections", options.emit_connections, "HTTP connections that trigger emits")->check(CLI::Range(1, 1024));
  app.add_option("--emit-batch", options.emit_batch,
                 "events per emit request: an array of that many emits (switchboard only; users, cluster, scale, polling)")
      ->check(CLI::Range(1, 1000));
  app.add_option("--payload-bytes", options.payload_bytes, "size of each event packet");
  app.add_option("--source-addresses", options.server.sources, "127.0.0.x source addresses to spread connections over")
      ->check(CLI::Range(1, 250));
  CLI11_PARSE(app, argc, argv);

  try {
    options.server.endpoint = endpoint_of(url, "--url");
    options.server.kind = kind == "floor" ? server_kind::floor : kind == "reference" ? server_kind::reference : server_kind::switchboard;
    options.emit_server = options.server;
    if (!emit_url.empty()) options.emit_server.endpoint = endpoint_of(emit_url, "--emit-url");
    if (options.scenario == "cluster" && emit_url.empty()) throw CLI::ValidationError("--emit-url", "cluster needs the second node");
    if (options.server_name.empty()) options.server_name = kind;
    const std::size_t files = raise_file_limit();
    const std::size_t needed = options.connections * (options.scenario == "polling" ? 2 : 1) + 64;
    if (options.scenario != "connect" && needed > files) {
      std::cerr << "switchboard-bench: " << options.connections << " connections need " << needed
                << " file descriptors; this process may open " << files << " (the hard limit)" << std::endl;
      return 2;
    }
    boost::asio::io_context io;
    boost::json::object result;
    std::exception_ptr failure;
    boost::asio::co_spawn(io, run_scenario(options), [&](std::exception_ptr e, boost::json::object r) {
      failure = e;
      result = std::move(r);
      io.stop();
    });
    io.run();
    if (failure) std::rethrow_exception(failure);
    std::cout << boost::json::serialize(result) << std::endl;
    const auto& clients = result.at("clients").as_object();
    std::cerr << options.server_name << " " << options.scenario << ": " << clients.at("connected").as_uint64()
              << " connected, " << clients.at("refused").as_uint64() << " refused, " << clients.at("lost").as_uint64()
              << " lost" << std::endl;
    return clients.at("refused").as_uint64() == 0 && clients.at("lost").as_uint64() == 0 ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "switchboard-bench: " << e.what() << std::endl;
    return 2;
  }
}
