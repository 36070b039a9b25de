#include "server_stats.hpp"

#include <unistd.h>

#include <fstream>

namespace switchboard::admin::detail {

namespace json = boost::json;

namespace {

std::string host_name() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0) return "localhost";
  return name;
}

// Resident memory from /proc/self/statm (pages), 0 where it cannot be read.
std::uint64_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::uint64_t size = 0, resident = 0;
  if (!(statm >> size >> resident)) return 0;
  return resident * static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
}

// One aggregated item; subType only where the reference has one.
json::object aggregated(std::int64_t timestamp, std::string_view type, std::uint64_t count) {
  return {{"timestamp", timestamp}, {"type", type}, {"count", count}};
}

}  // namespace

std::string default_server_id() { return host_name() + "#" + std::to_string(getpid()); }

server_stats::server_stats(sio::server& io, std::string server_id)
    : io_(io), server_id_(std::move(server_id)), hostname_(host_name()) {}

void server_stats::socket_connected(const std::string& nsp) {
  std::lock_guard lock(mutex_);
  ++sockets_[nsp];
}

void server_stats::socket_disconnected(const std::string& nsp) {
  std::lock_guard lock(mutex_);
  const auto it = sockets_.find(nsp);
  if (it != sockets_.end() && it->second > 0) --it->second;
}

json::object server_stats::take() {
  auto& engine = io_.engine();
  const auto now = engine.traffic_totals();
  const std::size_t open = engine.session_count();
  const std::uint64_t closed = now.sessions_opened >= open ? now.sessions_opened - open : 0;
  const auto second = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
  const std::int64_t bucket = std::chrono::duration_cast<std::chrono::milliseconds>(second).count();
  json::array events;
  const auto add = [&](std::string_view type, std::uint64_t count) {
    if (count > 0) events.push_back(aggregated(bucket, type, count));
  };
  add("rawConnection", now.sessions_opened - last_.sessions_opened);
  add("rawDisconnection", closed - std::min(closed, last_closed_));
  add("packetsIn", now.messages_in - last_.messages_in);
  add("packetsOut", now.messages_out - last_.messages_out);
  add("bytesIn", now.bytes_in - last_.bytes_in);
  add("bytesOut", now.bytes_out - last_.bytes_out);
  last_ = now;
  last_closed_ = closed;

  json::array namespaces;
  {
    std::lock_guard lock(mutex_);
    for (const auto& name : io_.namespace_names()) {
      const auto it = sockets_.find(name);
      namespaces.push_back(json::object{{"name", name}, {"socketsCount", it == sockets_.end() ? 0 : it->second}});
    }
  }
  const double uptime = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  return {{"serverId", server_id_},
          {"hostname", hostname_},
          {"pid", getpid()},
          {"uptime", uptime},
          {"clientsCount", open},
          {"pollingClientsCount", engine.polling_sessions()},
          {"aggregatedEvents", std::move(events)},
          {"namespaces", std::move(namespaces)},
          {"memoryUsage", json::object{{"rss", resident_bytes()}}}};
}

}  // namespace switchboard::admin::detail
