#pragma once
// Triggers server emits over HTTP at a fixed rate: POST /api/v1/emit on switchboard and the
// reference, the floor's pre-encoded packet routes on the floor; or asks the server to emit them
// itself (POST /bench/generate, the in-process emitter). Keep-alive connections, each
// with its share of the schedule; a request's body is made just before it is sent, so the
// timestamp it carries does not include time spent waiting in the load generator.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "client_protocol.hpp"

namespace switchboard::bench {

struct emit_request {
  std::string path;
  std::string body;
};

struct emit_plan {
  double rate = 100;  // events per second, all connections together
  std::chrono::duration<double> duration{5};
  std::size_t connections = 4;
  std::function<emit_request(std::uint64_t sequence)> make;
  // Events per request: with more than one, a request's body is the array of `batch` made bodies
  // (POST /api/v1/emit's batch form), answered 200 with a result per item.
  std::size_t batch = 1;
};

struct emit_totals {
  std::uint64_t sent = 0;        // events
  std::uint64_t failed = 0;      // events not answered 202
  std::uint64_t recipients = 0;  // summed from the answers
  double seconds = 0;            // from the first request to the last answer
  std::string first_error;
};

boost::asio::awaitable<emit_totals> run_emits(const target& server, std::string api_key, emit_plan plan);

struct generated {
  std::uint64_t emitted = 0;
  std::uint64_t failed = 0;  // emits the server's emitter refused
};

// The in-process emitter's scenario: one POST /bench/generate with `body`, which the server answers
// {"emitted": N, "failed": F} once it has emitted its events (throws on any other answer).
boost::asio::awaitable<generated> ask_to_generate(const target& server, std::string api_key, std::string body);

}  // namespace switchboard::bench
