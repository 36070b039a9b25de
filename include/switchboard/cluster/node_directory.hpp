#pragma once
/// @file
/// The nodes of a cluster and where they take relayed requests, kept in Redis: long-polling
/// without sticky sessions.
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "switchboard/engine/options.hpp"

namespace switchboard::cluster {

/// How a node advertises itself and finds the others.
struct node_directory_options {
  /// A node's record expires this long after its last heartbeat: a node that died without
  /// withdrawing is forgotten after it.
  std::chrono::milliseconds ttl{15'000};
  /// How often a node writes its record again.
  std::chrono::milliseconds heartbeat{5'000};
  /// How long a found address is remembered before Redis is asked again.
  std::chrono::milliseconds cache_for{2'000};
  /// How long a node found missing is remembered: short, since a node that has just started may
  /// not have written its record yet.
  std::chrono::milliseconds cache_missing_for{250};
  /// Nodes remembered at most; past it the memory is cleared.
  std::size_t max_cached = 1024;
};

/// Counters of a directory, each read with a relaxed atomic load.
struct node_directory_stats {
  std::uint64_t lookups = 0;        ///< Redis GETs for a node's address.
  std::uint64_t lookup_errors = 0;  ///< ... that failed (Redis down): the node was taken as gone.
  std::uint64_t heartbeat_errors = 0;  ///< Heartbeats Redis did not take.
};

/// This node's entry in the cluster's directory, and the lookup of the others: the
/// engine::session_directory of engine::options::cluster. Each node has a random 8-character id
/// (the prefix of its session ids) and a record `<key>:node:<id>` = "host:port" in Redis, written
/// every heartbeat with a TTL once advertise() is called, deleted by withdraw(). Made by
/// redis_cluster::directory(). Thread-safe.
/// @code
/// auto directory = node->directory();
/// engine_options.cluster.directory = directory;
/// // ... once the listener has its port:
/// directory->advertise({boost::asio::ip::make_address("10.0.0.5"), http.port()});
/// // ... at the end, before node->close():
/// directory->withdraw();
/// @endcode
class node_directory : public engine::session_directory {
 public:
  /// This node's id.
  const std::string& node_id() const noexcept override = 0;
  /// Looks `id` up (cached for cache_for).
  void locate(const std::string& id,
              std::function<void(std::optional<boost::asio::ip::tcp::endpoint>)> found) override = 0;
  /// Registers this node at `address`, now and every heartbeat, until withdraw().
  virtual void advertise(boost::asio::ip::tcp::endpoint address) = 0;
  /// Stops the heartbeat and deletes this node's record: its sessions are gone for the others.
  virtual void withdraw() = 0;
  /// The counters.
  virtual node_directory_stats stats() const noexcept = 0;
};

/// "host:port" ("[v6]:port" for IPv6), as records hold it; nullopt for anything else.
std::optional<boost::asio::ip::tcp::endpoint> parse_node_address(std::string_view text);
/// The record's form of `address`.
std::string format_node_address(const boost::asio::ip::tcp::endpoint& address);

}  // namespace switchboard::cluster
