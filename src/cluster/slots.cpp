#include "slots.hpp"

#include <charconv>

namespace switchboard::cluster::detail {

namespace {

constexpr std::array<std::uint16_t, 256> crc16_table = [] {
  std::array<std::uint16_t, 256> table{};
  for (unsigned byte = 0; byte < 256; ++byte) {
    std::uint16_t crc = static_cast<std::uint16_t>(byte << 8);
    for (int bit = 0; bit < 8; ++bit) crc = static_cast<std::uint16_t>((crc & 0x8000) ? (crc << 1) ^ 0x1021 : crc << 1);
    table[byte] = crc;
  }
  return table;
}();

template <class Number>
bool to_number(std::string_view text, Number& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

// A CLUSTER SHARDS map (a flat array of names and values): the value named `key`, or null.
const redis_reply* field(const redis_reply& map, std::string_view key) {
  if (map.type != redis_reply::kind::array) return nullptr;
  for (std::size_t i = 0; i + 1 < map.elements.size(); i += 2) {
    if (map.elements[i].str == key) return &map.elements[i + 1];
  }
  return nullptr;
}

std::optional<node_address> master_of_shard(const redis_reply& nodes) {
  for (const redis_reply& node : nodes.elements) {
    const redis_reply* role = field(node, "role");
    const redis_reply* health = field(node, "health");
    const redis_reply* port = field(node, "port");
    const redis_reply* host = field(node, "endpoint");
    if (!host || host->str.empty() || host->str == "?") host = field(node, "ip");
    if (!role || role->str != "master" || !port || port->type != redis_reply::kind::integer || !host) continue;
    if (health && health->str == "fail") continue;
    if (port->integer <= 0 || port->integer > 65535) continue;
    return node_address{host->str, static_cast<std::uint16_t>(port->integer)};
  }
  return std::nullopt;
}

}  // namespace

std::uint16_t crc16(std::string_view bytes) noexcept {
  std::uint16_t crc = 0;
  for (const unsigned char c : bytes) crc = static_cast<std::uint16_t>((crc << 8) ^ crc16_table[((crc >> 8) ^ c) & 0xFF]);
  return crc;
}

std::uint16_t key_slot(std::string_view key) noexcept {
  const auto open = key.find('{');
  if (open != std::string_view::npos) {
    const auto close = key.find('}', open + 1);
    if (close != std::string_view::npos && close > open + 1) key = key.substr(open + 1, close - open - 1);
  }
  return crc16(key) % slot_count;
}

std::optional<topology> topology::from_cluster_shards(const redis_reply& reply, std::string& error) {
  if (reply.type != redis_reply::kind::array) {
    error = reply.is_error() ? reply.str : "CLUSTER SHARDS: not an array";
    return std::nullopt;
  }
  topology out;
  out.owner_.fill(-1);
  for (const redis_reply& shard : reply.elements) {
    const redis_reply* slots = field(shard, "slots");
    const redis_reply* nodes = field(shard, "nodes");
    if (!slots || !nodes || slots->type != redis_reply::kind::array || slots->elements.size() % 2 != 0) {
      error = "CLUSTER SHARDS: a shard without slots and nodes";
      return std::nullopt;
    }
    const auto master = master_of_shard(*nodes);
    if (!master) continue;  // a shard whose master failed: its slots have no owner until a replica takes over
    std::int16_t index = -1;
    for (std::size_t i = 0; i < out.masters_.size(); ++i) {
      if (out.masters_[i] == *master) index = static_cast<std::int16_t>(i);
    }
    if (index < 0) {
      index = static_cast<std::int16_t>(out.masters_.size());
      out.masters_.push_back(*master);
    }
    for (std::size_t i = 0; i < slots->elements.size(); i += 2) {
      const long long first = slots->elements[i].integer;
      const long long last = slots->elements[i + 1].integer;
      if (first < 0 || last < first || last >= slot_count) {
        error = "CLUSTER SHARDS: slot range out of bounds";
        return std::nullopt;
      }
      for (long long s = first; s <= last; ++s) out.owner_[static_cast<std::size_t>(s)] = index;
    }
  }
  return out;
}

topology topology::single(node_address server) {
  topology out;
  out.masters_.push_back(std::move(server));
  out.owner_.fill(0);
  return out;
}

const node_address* topology::master_of(std::uint16_t slot) const noexcept {
  if (slot >= slot_count || owner_[slot] < 0) return nullptr;
  return &masters_[static_cast<std::size_t>(owner_[slot])];
}

bool topology::covers_every_slot() const noexcept {
  for (const auto owner : owner_) {
    if (owner < 0) return false;
  }
  return true;
}

std::optional<redirection> parse_redirection(std::string_view error) {
  redirection out;
  if (error.starts_with("MOVED ")) {
    error.remove_prefix(6);
  } else if (error.starts_with("ASK ")) {
    out.ask = true;
    error.remove_prefix(4);
  } else {
    return std::nullopt;
  }
  const auto space = error.find(' ');
  const auto colon = error.rfind(':');
  if (space == std::string_view::npos || colon == std::string_view::npos || colon < space) return std::nullopt;
  unsigned slot = 0;
  unsigned port = 0;
  if (!to_number(error.substr(0, space), slot) || slot >= slot_count) return std::nullopt;
  if (!to_number(error.substr(colon + 1), port) || port == 0 || port > 65535) return std::nullopt;
  out.slot = static_cast<std::uint16_t>(slot);
  out.to.host = std::string(error.substr(space + 1, colon - space - 1));
  out.to.port = static_cast<std::uint16_t>(port);
  return out;
}

}  // namespace switchboard::cluster::detail
