#pragma once
// What the simulated clients saw: connection outcomes, events and their latencies.
#include <boost/json/object.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace switchboard::bench {

// Microseconds on the load generator's monotonic clock; events carry the send time as "t".
std::int64_t now_us();

class latency_recorder {
 public:
  void add(std::int64_t microseconds) { samples_.push_back(microseconds < 0 ? 0 : microseconds); }
  std::size_t size() const { return samples_.size(); }
  void clear() { samples_.clear(); }
  // {"p50_ms", "p90_ms", "p99_ms", "max_ms", "samples"}; sorts the samples.
  boost::json::object percentiles();

 private:
  std::vector<std::int64_t> samples_;
};

struct fleet_stats {
  std::uint64_t connected = 0;  // CONNECT acknowledged
  std::uint64_t refused = 0;    // failed before CONNECT was acknowledged
  std::uint64_t lost = 0;       // closed after connecting, by the server or the network
  std::uint64_t received = 0;   // events
  std::uint64_t handshaking = 0;  // started, not yet connected or refused
  latency_recorder latency;
  std::string first_error;

  void fail(std::string_view why) {
    if (first_error.empty()) first_error = why;
  }
};

// The server process as the kernel accounts for it.
struct process_sample {
  double cpu_seconds = 0;  // user + system, all threads
  double rss_kib = 0;
  double peak_rss_kib = 0;
};
process_sample sample_process(int pid);
double own_cpu_seconds();

}  // namespace switchboard::bench
