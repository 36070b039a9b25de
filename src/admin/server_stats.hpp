#pragma once
// The `server_stats` the UI charts, every interval: this node's name, process, Engine.IO
// sessions, namespaces and, since the last one, the traffic aggregated per second.
#include <boost/json/object.hpp>
#include <chrono>
#include <map>
#include <mutex>
#include <string>

#include "switchboard/sio/server.hpp"

namespace switchboard::admin::detail {

// "<host name>#<pid>": distinct for every node of a cluster, even two on one host.
std::string default_server_id();

class server_stats {
 public:
  server_stats(sio::server& io, std::string server_id);

  // This node's sockets per namespace; from any shard.
  void socket_connected(const std::string& nsp);
  void socket_disconnected(const std::string& nsp);

  // {serverId, hostname, pid, uptime, clientsCount, pollingClientsCount, aggregatedEvents,
  // namespaces, memoryUsage}: the traffic since the previous call, in the bucket of this second.
  // From one thread at a time (the timer's).
  boost::json::object take();

 private:
  sio::server& io_;
  const std::string server_id_;
  const std::string hostname_;
  const std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  engine::server::traffic last_{};
  std::uint64_t last_closed_ = 0;
  std::mutex mutex_;
  std::map<std::string, std::size_t> sockets_;  // by namespace, guarded by mutex_
};

}  // namespace switchboard::admin::detail
