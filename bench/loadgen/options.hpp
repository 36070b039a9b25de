#pragma once
// What one run of switchboard-bench measures, as given on its command line.
#include <string>
#include <vector>

#include "client_protocol.hpp"

namespace switchboard::bench {

struct run_options {
  target server;
  target emit_server;       // where REST emits go: the server itself, or another node of its cluster
  std::string server_name;  // for the report
  std::string scenario;
  int server_pid = 0;       // CPU and RSS come from the kernel's accounting of this process
  int emit_server_pid = 0;  // the emit node's process when it is another one (cluster); its CPU counts too
  double server_cpus = 1;   // cores the server may use: saturation is 95% of them
  std::size_t connections = 1000;
  double rate = 0;                  // events per second (users, scale, polling); 0: the scenario's default
  std::vector<double> fanout_rates; // broadcasts per second; empty: a geometric ramp until saturation
  double step_seconds = 5;          // each fanout rate
  double duration_seconds = 10;     // users, scale, polling
  double emit_delay_seconds = 0;    // users, cluster: idle time between the connections and the emits
  std::size_t connect_total = 10000;
  std::size_t handshake_concurrency = 200;
  std::size_t emit_connections = 8;
  std::size_t emit_batch = 1;  // events per POST /api/v1/emit (switchboard: an array body)
  std::size_t payload_bytes = 100;
  std::string user_prefix = "u";  // users are <prefix><n>: several generators on one cluster keep theirs apart
  std::string jwt_secret;
  std::string api_key;
};

}  // namespace switchboard::bench
