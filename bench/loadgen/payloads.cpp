#include "payloads.hpp"

#include "stats.hpp"

namespace switchboard::bench {

namespace {

std::string event_data(const run_options& options, std::uint64_t sequence) {
  std::string data = "{\"t\":" + std::to_string(now_us()) + ",\"seq\":" + std::to_string(sequence) + ",\"pad\":\"";
  constexpr std::size_t packet_overhead = 16;  // 42["bench",...] and the closing "}
  const std::size_t used = data.size() + packet_overhead;
  data.append(options.payload_bytes > used ? options.payload_bytes - used : 0, 'x');
  data += "\"}";
  return data;
}

}  // namespace

emit_request event_for_user(const run_options& options, const std::string& user, std::uint64_t sequence) {
  const std::string data = event_data(options, sequence);
  if (options.server.kind == server_kind::floor) {
    return {"/floor/user?id=" + user, "42[\"bench\"," + data + "]"};
  }
  return {"/api/v1/emit", "{\"event\":\"bench\",\"users\":[\"" + user + "\"],\"data\":" + data + "}"};
}

}  // namespace switchboard::bench
