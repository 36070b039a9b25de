// The benchmark of the in-process emitter (bench/run.sh emitter): the library embedded as a C++
// team embeds it, every connection authenticated by an HS256 JWT and in its user's room, and a
// module that emits typed events to single users through realtime::current().emit, which is how
// modules emit. The load generator connects the users, then asks for the events:
//
//   POST /bench/generate  (Authorization: Bearer API_KEY)
//   {"rate": events per second, "seconds": S, "users": N, "prefix": "u", "payload_bytes": 100}
//
// A thread of the module's own emits `rate` events a second for S seconds, each to one user
// <prefix><k> picked at random, and answers {"emitted": N, "failed": F} when done (F: the emitter
// returned an error). Each event's "t" is the
// monotonic clock in microseconds, the load generator's clock: latency is from the emit to the
// client. Usage: emitter_server --port 0 --jwt-secret S --api-key K [--threads 1]; prints
// "emitter listening on PORT: URL"; stops on SIGINT or SIGTERM.
#include <boost/describe/class.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <CLI/CLI.hpp>
#include <chrono>
#include <iostream>
#include <random>
#include <thread>

#include "switchboard/http/server.hpp"
#include "switchboard/http/stop_signals.hpp"
#include "switchboard/log/log.hpp"
#include "switchboard/realtime/options.hpp"
#include "switchboard/realtime/server.hpp"

namespace rt = switchboard::realtime;
namespace http = switchboard::http;
namespace jwt = switchboard::auth::jwt;
using status = boost::beast::http::status;

namespace bench {

// The load generator's event: the same fields, in the same order, as its REST emits carry.
struct Event {
  std::int64_t t = 0;
  std::uint64_t seq = 0;
  std::string pad;
};
BOOST_DESCRIBE_STRUCT(Event, (), (t, seq, pad))
inline constexpr rt::server_event<Event> event{"bench"};

struct plan {
  double rate = 0;
  double seconds = 0;
  std::uint64_t users = 0;
  std::string prefix;
  std::size_t payload_bytes = 100;
};

std::int64_t now_us() {
  using namespace std::chrono;
  return duration_cast<microseconds>(steady_clock::now().time_since_epoch()).count();
}

struct generated {
  std::uint64_t emitted = 0;
  std::uint64_t failed = 0;  // the emitter returned an error (and logged it)
};

// Emits the plan's events on this thread, in 1 ms ticks.
generated generate(const plan& p) {
  using clock = std::chrono::steady_clock;
  std::mt19937_64 random(42);
  constexpr std::size_t overhead = 52;  // 42["bench",{"t":...,"seq":...,"pad":""}]: a 13-digit t, a 5-digit seq
  Event e{.t = 0, .seq = 0, .pad = std::string(p.payload_bytes > overhead ? p.payload_bytes - overhead : 0, 'x')};
  const auto start = clock::now();
  const auto total = static_cast<std::uint64_t>(p.rate * p.seconds);
  std::uint64_t failed = 0;
  for (auto tick = start; e.seq < total; tick += std::chrono::milliseconds(1)) {
    std::this_thread::sleep_until(tick);
    const double elapsed = std::chrono::duration<double>(clock::now() - start).count();
    const auto due = std::min(total, static_cast<std::uint64_t>(elapsed * p.rate));
    for (; e.seq < due; ++e.seq) {
      e.t = now_us();
      // The emitter never throws: a failure is logged and returned.
      if (rt::current().emit(event, rt::to_users{{p.prefix + std::to_string(random() % p.users)}}, e)) ++failed;
    }
  }
  return {.emitted = e.seq, .failed = failed};
}

// POST /bench/generate: checks the API key and the plan, answers when the events are emitted.
class generate_route final : public http::route {
 public:
  explicit generate_route(std::string api_key) : authorization_("Bearer " + std::move(api_key)) {}

  void on_request(http::exchange_ptr ex) override {
    const auto& req = ex->req();
    if (req[boost::beast::http::field::authorization] != authorization_) {
      return ex->respond(http::make_response(req, status::unauthorized, "a valid API key is required"));
    }
    boost::system::error_code ec;
    const auto body = boost::json::parse(req.body(), ec);
    if (ec || !body.is_object()) return ex->respond(http::make_response(req, status::bad_request, "a JSON object is required"));
    const auto& o = body.as_object();
    const auto number = [&](const char* key) { return o.contains(key) ? o.at(key).to_number<double>(ec) : 0.0; };
    plan p{.rate = number("rate"), .seconds = number("seconds"), .users = static_cast<std::uint64_t>(number("users")),
           .prefix = o.contains("prefix") && o.at("prefix").is_string() ? std::string(o.at("prefix").as_string()) : "u",
           .payload_bytes = static_cast<std::size_t>(number("payload_bytes"))};
    if (ec || p.rate <= 0 || p.seconds <= 0 || p.users == 0) {
      return ex->respond(http::make_response(req, status::bad_request, "rate, seconds and users must be positive"));
    }
    // Each request generates on a thread of its own, as a module's worker would emit (the load
    // generator sends one at a time; the thread ends with its answer).
    std::thread([ex, p] {
      const generated g = generate(p);
      const boost::json::object answer{{"emitted", g.emitted}, {"failed", g.failed}};
      auto res = http::make_response(ex->req(), status::ok, boost::json::serialize(answer));
      res.set(boost::beast::http::field::content_type, "application/json");
      ex->respond(std::move(res));
    }).detach();
  }
  void on_websocket(http::websocket_upgrade_ptr upgrade) override {
    upgrade->refuse(http::make_response(upgrade->req(), status::not_found, ""));
  }
  std::size_t body_limit() const noexcept override { return 4096; }
  http::websocket_options websocket() const noexcept override { return {}; }

 private:
  std::string authorization_;
};

}  // namespace bench

int main(int argc, char** argv) {
  CLI::App app{"switchboard's in-process emitter benchmark server"};
  std::uint16_t port = 0;
  std::string secret, api_key;
  std::size_t threads = 1;
  app.add_option("--port", port);
  app.add_option("--jwt-secret", secret)->required();
  app.add_option("--api-key", api_key)->required();
  app.add_option("--threads", threads, "shards; 0: one per core");
  CLI11_PARSE(app, argc, argv);

  switchboard::log::configure({.output = switchboard::log::format::text, .min_level = switchboard::log::level::warn});  // as bench/switchboard.toml
  http::stop_signals stop;  // before any thread starts
  http::server server({.address = "127.0.0.1", .port = port, .threads = threads});
  rt::options options;
  options.auth.jwt.emplace(std::vector<jwt::key>{jwt::key::shared_secret(secret)}, jwt::verify_options{});
  const auto realtime = rt::server::attach(server, std::move(options));
  server.mount("/bench/generate", std::make_shared<bench::generate_route>(api_key));
  server.start();
  std::cout << "emitter listening on " << server.port() << ": http://127.0.0.1:" << server.port() << std::endl;
  stop.wait();
  realtime->stop(std::chrono::seconds(1));
  server.stop();
}
