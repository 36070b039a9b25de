// Redis adapter messages from arbitrary bytes (what any process may publish on the channels):
// decoding returns an error or a message, and a decoded message encodes again; the own-echo
// check never names a sender the broadcast does not have.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "switchboard/cluster/messages.hpp"

namespace cluster = switchboard::cluster;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string out;
  if (cluster::broadcast_message broadcast; !cluster::decode_broadcast(input, broadcast)) {
    if (cluster::encode_broadcast(broadcast, out)) std::abort();
    for (const std::string_view sender : {std::string_view(broadcast.uid), std::string_view("emitter")}) {
      if (cluster::broadcast_sent_by(input, sender) && sender != broadcast.uid) std::abort();
    }
  }
  if (cluster::request request; !cluster::decode_request(input, request)) {
    out.clear();
    if (cluster::encode_request(request, out)) std::abort();
  }
  // Replies are read against the requests in flight; each kind of request in turn.
  for (int type = 0; type <= 7; ++type) {
    const auto pending = [type](std::string_view) { return std::optional(static_cast<cluster::request_type>(type)); };
    if (cluster::response response; !cluster::decode_response(input, pending, response)) {
      out.clear();
      if (cluster::encode_response(response, out)) std::abort();
    }
  }
  return 0;
}
