#include "scenarios.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>
#include <cmath>
#include <iostream>
#include <random>

#include "fleet.hpp"
#include "emit_driver.hpp"
#include "payloads.hpp"
#include "syscall_counter.hpp"

namespace switchboard::bench {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

// Server CPU, system calls, RSS and the load generator's own CPU over one measured interval. With a
// second node (cluster: --emit-server-pid), the server CPU and system calls are both nodes'
// together and "nodes" has each one's CPU.
class interval {
 public:
  explicit interval(const run_options& options)
      : pid_(options.server_pid), emit_pid_(options.emit_server_pid), server_(sample_process(pid_)),
        emit_node_(sample_process(emit_pid_)), server_calls_(pid_), emit_calls_(emit_pid_), own_(own_cpu_seconds()),
        start_(std::chrono::steady_clock::now()) {}

  double wall() const { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count(); }

  json::object figures() const {
    const auto now = sample_process(pid_);
    const auto emit_now = sample_process(emit_pid_);  // all zeros without a second node
    const double seconds = wall();
    const double cpu = now.cpu_seconds - server_.cpu_seconds;
    const double emit_cpu = emit_now.cpu_seconds - emit_node_.cpu_seconds;
    json::object f{{"wall_s", seconds},
                   {"server_cpu_s", cpu + emit_cpu},
                   {"server_cpu_utilization", (cpu + emit_cpu) / seconds},
                   {"loadgen_cpu_utilization", (own_cpu_seconds() - own_) / seconds},
                   {"server_rss_kib", now.rss_kib},
                   {"server_peak_rss_kib", now.peak_rss_kib}};
    const auto calls = server_calls_.read();
    const auto emit_calls = emit_pid_ > 0 ? emit_calls_.read() : std::optional<std::uint64_t>(0);
    f["server_syscalls"] = calls && emit_calls ? json::value(*calls + *emit_calls) : json::value(nullptr);
    if (emit_pid_ > 0) {
      const auto node = [&](double node_cpu, const process_sample& sample) {
        return json::object{{"cpu_s", node_cpu}, {"cpu_utilization", node_cpu / seconds}, {"rss_kib", sample.rss_kib},
                            {"peak_rss_kib", sample.peak_rss_kib}};
      };
      f["nodes"] = json::object{{"clients", node(cpu, now)}, {"emits", node(emit_cpu, emit_now)}};
    }
    return f;
  }

 private:
  int pid_;
  int emit_pid_;
  process_sample server_;
  process_sample emit_node_;
  syscall_counter server_calls_;
  syscall_counter emit_calls_;
  double own_;
  std::chrono::steady_clock::time_point start_;
};

// A count divided by `n`; null when the count is (system calls that could not be counted).
json::value per(const json::value& total, double n) {
  if (!total.is_number() || n <= 0) return nullptr;
  return total.to_number<double>() / n;
}

// Emits go to another node of the server's cluster, whose answer counts only its own sockets.
bool cross_node(const run_options& options) { return options.emit_server.endpoint != options.server.endpoint; }

json::object fleet_figures(const fleet_stats& stats) {
  return {{"connected", stats.connected}, {"refused", stats.refused}, {"lost", stats.lost},
          {"first_error", stats.first_error}};
}

asio::awaitable<void> pause(std::chrono::milliseconds d) {
  asio::steady_timer timer(co_await asio::this_coro::executor, d);
  co_await timer.async_wait(asio::use_awaitable);
}

// The figures of one measured interval in which `delivered` of `expected` events arrived.
json::object delivery_figures(const interval& measured, std::uint64_t delivered, std::uint64_t expected, bool drained,
                              latency_recorder& latency) {
  json::object f = measured.figures();
  const double cpu = f["server_cpu_s"].as_double();
  const auto count = static_cast<double>(delivered);
  f["expected"] = expected;
  f["delivered"] = delivered;
  f["drained"] = drained;
  f["delivered_per_s"] = count / f["wall_s"].as_double();
  f["cpu_us_per_delivered"] = count > 0 ? cpu * 1e6 / count : 0.0;
  f["delivered_per_cpu_s"] = cpu > 0 ? count / cpu : 0.0;
  f["syscalls_per_delivered"] = per(f["server_syscalls"], count);
  f["latency"] = latency.percentiles();
  return f;
}

// Emits for `seconds` at `rate`, each to the user `pick` names, then waits for the deliveries: as
// many as the answers count, or `sockets_per_emit` for each accepted emit when that is not 0 (the
// answers of another node of a cluster count none of the clients).
asio::awaitable<json::object> measured_emits(const run_options& options, fleet_stats& stats, double rate,
                                             double seconds, std::function<std::string(std::uint64_t)> pick,
                                             std::uint64_t sockets_per_emit = 0) {
  stats.latency.clear();
  const std::uint64_t received_before = stats.received;
  const interval measured(options);
  emit_plan plan{.rate = rate, .duration = std::chrono::duration<double>(seconds),
                 .connections = options.emit_connections,
                 .make = [&](std::uint64_t n) { return event_for_user(options, pick(n), n); },
                 .batch = options.server.kind == server_kind::switchboard ? options.emit_batch : 1};
  const emit_totals totals = co_await run_emits(options.emit_server, options.api_key, plan);
  const std::uint64_t expected = sockets_per_emit ? (totals.sent - totals.failed) * sockets_per_emit : totals.recipients;
  const auto delivered = [&] { return stats.received - received_before; };
  // A server that cannot keep up shows as deliveries still arriving long after the emits.
  const bool drained = co_await wait_for([&] { return delivered() >= expected; }, delivered,
                                         std::chrono::seconds(2), std::chrono::milliseconds(static_cast<long>(seconds * 1000)));
  json::object step = delivery_figures(measured, delivered(), expected, drained, stats.latency);
  step["step_s"] = seconds;
  step["offered_rate"] = rate;
  step["sent_rate"] = static_cast<double>(totals.sent) / seconds;
  step["emit_s"] = totals.seconds;  // longer than step_s when the answers held the requests back
  step["emit_failures"] = totals.failed;
  step["emit_batch"] = plan.batch;
  step["emit_error"] = totals.first_error;
  step["recipients_answered"] = totals.recipients;
  co_return step;
}

bool saturated(const json::object& step, double server_cpus) {
  const auto number = [&](const char* key) { return step.at(key).to_number<double>(); };
  const auto& latency = step.at("latency").as_object();
  return !step.at("drained").as_bool() || number("delivered") < 0.97 * number("expected") ||
         number("delivered_per_s") < 0.8 * number("expected") / number("step_s") ||
         number("server_cpu_utilization") > 0.95 * server_cpus || number("sent_rate") < 0.9 * number("offered_rate") ||
         (latency.contains("p99_ms") && latency.at("p99_ms").as_double() > 1000);
}

std::vector<double> fanout_rates(const run_options& options) {
  if (!options.fanout_rates.empty()) return options.fanout_rates;
  // 5 and 20 broadcasts/s are the rates real rooms see (each is reported on its own), then half
  // again each step until saturation.
  std::vector<double> rates{1, 2, 3, 5, 8, 12, 20};
  for (double r = 30; r < 100'000; r = std::round(r * 1.5)) rates.push_back(r);
  return rates;
}

void print_step(const json::object& step) {
  std::cerr << "  rate " << step.at("offered_rate").as_double() << "/s: delivered "
            << std::llround(step.at("delivered_per_s").as_double()) << "/s, server CPU "
            << std::lround(step.at("server_cpu_utilization").as_double() * 100) << "%, "
            << step.at("cpu_us_per_delivered").as_double() << " µs/msg, "
            << json::serialize(step.at("syscalls_per_delivered")) << " syscalls/msg, latency " << json::serialize(step.at("latency"))
            << std::endl;
}

asio::awaitable<json::object> fanout(const run_options& options, fleet_stats& stats, const bool& stop) {
  co_await open_fleet(options, {.count = options.connections, .user = [](std::size_t) { return std::string("fanout"); }},
                      stats, stop);
  std::cerr << "connected " << stats.connected << " clients" << std::endl;  // bench/callgrind.sh starts counting here
  const auto everyone = [](std::uint64_t) { return std::string("fanout"); };
  const std::uint64_t per_emit = cross_node(options) ? stats.connected : 0;
  json::array steps;
  json::object best;
  for (const double rate : fanout_rates(options)) {
    json::object step = co_await measured_emits(options, stats, rate, options.step_seconds, everyone, per_emit);
    print_step(step);
    const bool last = saturated(step, options.server_cpus);
    if (best.empty() || step["delivered_per_s"].as_double() > best["delivered_per_s"].as_double()) best = step;
    steps.push_back(std::move(step));
    if (last || stats.lost > 0) break;
  }
  // Latency where the server has headroom: half the best rate.
  const double half_rate = std::max(1.0, best["sent_rate"].as_double() / 2);
  json::object half = co_await measured_emits(options, stats, half_rate, options.step_seconds, everyone, per_emit);
  print_step(half);
  co_return json::object{{"steps", std::move(steps)}, {"saturation", std::move(best)}, {"half_saturation", std::move(half)}};
}

// users, scale, polling and cluster: one event at a time to one user (who has one socket).
asio::awaitable<json::object> targeted(const run_options& options, fleet_stats& stats, const bool& stop,
                                       transport over, double rate, bool random_user) {
  const interval whole(options);
  const std::string& prefix = options.user_prefix;
  co_await open_fleet(options, {.count = options.connections, .over = over,
                                .user = [&prefix](std::size_t i) { return prefix + std::to_string(i); }},
                      stats, stop);
  std::cerr << "connected " << stats.connected << " clients" << std::endl;
  if (options.emit_delay_seconds > 0) {
    co_await pause(std::chrono::milliseconds(std::llround(options.emit_delay_seconds * 1000)));
  }
  std::mt19937_64 random(42);
  const auto users = options.connections;
  json::object run = co_await measured_emits(options, stats, rate, options.duration_seconds, [&](std::uint64_t n) {
    return prefix + std::to_string(random_user ? random() % users : n % users);
  }, cross_node(options) ? 1 : 0);
  print_step(run);
  run["connect_phase"] = whole.figures();
  co_return run;
}

// emitter: the users scenario's clients, and the events emitted by the server itself (its module
// calls the in-process emitter), `rate` a second to random users.
asio::awaitable<json::object> in_process(const run_options& options, fleet_stats& stats, const bool& stop, double rate) {
  const std::string& prefix = options.user_prefix;
  co_await open_fleet(options, {.count = options.connections,
                                .user = [&prefix](std::size_t i) { return prefix + std::to_string(i); }},
                      stats, stop);
  std::cerr << "connected " << stats.connected << " clients" << std::endl;
  stats.latency.clear();
  const std::uint64_t received_before = stats.received;
  const interval measured(options);
  const json::object plan{{"rate", rate}, {"seconds", options.duration_seconds}, {"users", options.connections},
                          {"prefix", prefix}, {"payload_bytes", options.payload_bytes}};
  const generated g = co_await ask_to_generate(options.server, options.api_key, json::serialize(plan));
  const std::uint64_t expected = g.emitted - g.failed;
  const auto delivered = [&] { return stats.received - received_before; };
  const bool drained = co_await wait_for([&] { return delivered() >= expected; }, delivered, std::chrono::seconds(2),
                                         std::chrono::milliseconds(static_cast<long>(options.duration_seconds * 1000)));
  json::object run = delivery_figures(measured, delivered(), expected, drained, stats.latency);
  run["offered_rate"] = rate;
  run["emit_failures"] = g.failed;
  print_step(run);
  co_return run;
}

asio::awaitable<json::object> connect_rate(const run_options& options, fleet_stats& stats, const bool& stop) {
  const interval measured(options);
  co_await open_fleet(options, {.count = options.connect_total,
                                .user = [](std::size_t i) { return "c" + std::to_string(i); },
                                .close_when_connected = true},
                      stats, stop);
  const double wall = measured.wall();
  co_await pause(std::chrono::milliseconds(500));  // the server finishes closing the last ones
  json::object figures = measured.figures();
  const double cpu = figures["server_cpu_s"].as_double();
  figures["connections_per_s"] = static_cast<double>(stats.connected) / wall;
  figures["connections_per_cpu_s"] = cpu > 0 ? static_cast<double>(stats.connected) / cpu : 0.0;
  figures["cpu_us_per_connection"] = stats.connected ? cpu * 1e6 / static_cast<double>(stats.connected) : 0.0;
  figures["syscalls_per_connection"] = per(figures["server_syscalls"], static_cast<double>(stats.connected));
  co_return figures;
}

asio::awaitable<json::object> idle(const run_options& options, fleet_stats& stats, const bool& stop) {
  const process_sample before = sample_process(options.server_pid);
  co_await open_fleet(options, {.count = options.connections, .user = [](std::size_t i) { return "i" + std::to_string(i); }},
                      stats, stop);
  co_await pause(std::chrono::seconds(2));  // allocations settle
  const process_sample after = sample_process(options.server_pid);
  const double delta = after.rss_kib - before.rss_kib;
  co_return json::object{{"rss_before_kib", before.rss_kib}, {"rss_after_kib", after.rss_kib},
                         {"bytes_per_connection", stats.connected ? delta * 1024 / static_cast<double>(stats.connected) : 0.0}};
}

}  // namespace

asio::awaitable<json::object> run_scenario(const run_options& options) {
  fleet_stats stats;
  bool stop = false;
  const std::string& s = options.scenario;
  const double n = static_cast<double>(options.connections);
  json::object figures;
  if (s == "fanout") figures = co_await fanout(options, stats, stop);
  else if (s == "users" || s == "cluster") figures = co_await targeted(options, stats, stop, transport::websocket, options.rate > 0 ? options.rate : 20'000, true);
  else if (s == "scale") figures = co_await targeted(options, stats, stop, transport::websocket, options.rate > 0 ? options.rate : n / 10, false);
  else if (s == "polling") figures = co_await targeted(options, stats, stop, transport::polling, options.rate > 0 ? options.rate : n, false);
  else if (s == "emitter") figures = co_await in_process(options, stats, stop, options.rate > 0 ? options.rate : 20'000);
  else if (s == "connect") figures = co_await connect_rate(options, stats, stop);
  else if (s == "idle") figures = co_await idle(options, stats, stop);
  else throw std::invalid_argument("unknown scenario " + s);
  stop = true;
  const process_sample end = sample_process(options.server_pid);
  json::object result{
      {"scenario", s},
      {"server", options.server_name},
      {"parameters", {{"connections", options.connections}, {"rate", options.rate}, {"connect_total", options.connect_total},
                      {"step_s", options.step_seconds}, {"duration_s", options.duration_seconds},
                      {"payload_bytes", options.payload_bytes}, {"source_addresses", options.server.sources},
                      {"emits_to_other_node", cross_node(options)}}},
      {"clients", fleet_figures(stats)},
      {"figures", std::move(figures)},
      {"server_process", {{"cpu_s", end.cpu_seconds}, {"rss_kib", end.rss_kib}, {"peak_rss_kib", end.peak_rss_kib}}}};
  if (options.emit_server_pid > 0) {
    const process_sample emits = sample_process(options.emit_server_pid);
    result["emit_server_process"] = {{"cpu_s", emits.cpu_seconds}, {"rss_kib", emits.rss_kib}, {"peak_rss_kib", emits.peak_rss_kib}};
  }
  co_return result;
}

}  // namespace switchboard::bench
