#pragma once
// Redis Cluster without I/O: the hash slot of a key or channel (CRC16-XMODEM of the key, or of its
// {hash tag}, mod 16384), the cluster's topology as CLUSTER SHARDS describes it, and the MOVED /
// ASK redirections a master answers for a slot it does not serve.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "switchboard/cluster/redis_connection.hpp"

namespace switchboard::cluster::detail {

inline constexpr std::uint16_t slot_count = 16384;

// CRC16-CCITT (XMODEM): polynomial 0x1021, initial value 0, as the Redis Cluster specification.
std::uint16_t crc16(std::string_view bytes) noexcept;

// The slot of a key: only the part between the first '{' and the next '}' counts when it is not
// empty, so that "{user1}.a" and "{user1}.b" share a slot.
std::uint16_t key_slot(std::string_view key) noexcept;

struct node_address {
  std::string host;
  std::uint16_t port = 0;
  friend bool operator==(const node_address&, const node_address&) = default;
  friend auto operator<=>(const node_address&, const node_address&) = default;
};

// Which master serves each slot.
class topology {
 public:
  // From the reply to CLUSTER SHARDS (Redis >= 7): the master of each shard that is not failed,
  // and its slot ranges. std::nullopt, with `error` set, for a reply of another shape or slots
  // out of range.
  static std::optional<topology> from_cluster_shards(const redis_reply& reply, std::string& error);

  // One server that serves every slot (a Redis that is not a cluster).
  static topology single(node_address server);

  // The master that serves `slot`, or null when none does (the cluster is not whole).
  const node_address* master_of(std::uint16_t slot) const noexcept;
  const std::vector<node_address>& masters() const noexcept { return masters_; }
  // Whether every slot has a master.
  bool covers_every_slot() const noexcept;

 private:
  std::vector<node_address> masters_;
  std::array<std::int16_t, slot_count> owner_{};  // index into masters_, -1: none
};

// A master's answer for a slot it does not serve: "MOVED 3999 127.0.0.1:6381" (for good) or
// "ASK 3999 127.0.0.1:6381" (one command, during a migration). An empty host ("MOVED 3999 :6381")
// means the host of the node that answered. std::nullopt for other errors.
struct redirection {
  bool ask = false;
  std::uint16_t slot = 0;
  node_address to;
};
std::optional<redirection> parse_redirection(std::string_view error);

}  // namespace switchboard::cluster::detail
