#pragma once
// GET /metrics: the Prometheus text format. Connected sockets by namespace and transport (moved
// on upgrade), connection attempts by outcome, events received and emitted, emit failures, Engine.IO
// sessions, build info, every limit's refusals (docs/SECURITY.md), and in a cluster the Redis
// state and counters. Counters are updated on connect and disconnect, never per message under
// a lock (received events are an atomic).
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "switchboard/admin/instrument.hpp"
#include "switchboard/cluster/redis_adapter.hpp"
#include "switchboard/http/server.hpp"
#include "switchboard/realtime/server.hpp"
#include "switchboard/sio/server.hpp"

namespace switchboard::app {

class memory_release;

class metrics : public std::enable_shared_from_this<metrics> {
 public:
  // Counts connections and received events of `server`, as one of its observers (nothing is held
  // per socket). Before clients connect.
  void watch(realtime::server& server);
  // Adds the cluster's state and counters (switchboard_cluster_*). Before the first scrape.
  void watch(std::function<cluster::redis_adapter_stats()> cluster_stats) { cluster_stats_ = std::move(cluster_stats); }
  // Adds switchboard_memory_releases_total. Before the first scrape.
  void watch(std::shared_ptr<const memory_release> releases) { releases_ = std::move(releases); }
  // Adds the Admin UI's counters (switchboard_admin_*). Before the first scrape.
  void watch(std::function<admin::counters()> admin_counters) { admin_counters_ = std::move(admin_counters); }
  // For auth::guard_options::on_attempt.
  void attempt(std::string_view outcome);
  std::string render(const engine::server& engine, const http::server& http) const;

 private:
  class socket_counter;  // the sio::observer of watch()
  void count_socket(const std::string& nsp, bool websocket, int delta);

  mutable std::mutex mutex_;  // connects, disconnects, attempts and scrapes only
  std::map<std::pair<std::string, std::string>, std::int64_t> connected_;  // (nsp, transport)
  std::map<std::string, std::uint64_t> attempts_;
  std::atomic<std::uint64_t> received_{0};
  std::function<cluster::redis_adapter_stats()> cluster_stats_;  // empty: a single node
  std::shared_ptr<const memory_release> releases_;
  std::function<admin::counters()> admin_counters_;  // empty: no Admin UI
  // Read at scrape for the limits' counters; scrapes end with the http server, before it goes.
  realtime::server* watched_ = nullptr;
};

// `http` gives the listener's counters; both servers outlive the scrapes.
std::shared_ptr<http::route> make_metrics_route(std::shared_ptr<const metrics> m, const engine::server& engine,
                                                const http::server& http);

}  // namespace switchboard::app
