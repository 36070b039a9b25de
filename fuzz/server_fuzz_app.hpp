#pragma once
// The in-process server of the whole-server fuzzer: an http::server on 127.0.0.1 with one shard
// and a sio::server whose namespaces and handlers reach the paths a client can drive (acks, rooms,
// broadcasts, acks asked of clients, binary, refusing middleware, handlers that disconnect or
// throw). Timeouts are short so that the sessions each input leaves behind end soon.
#include <cstdint>

namespace switchboard::fuzz {

// Starts the server on first call (from one thread) and returns its port. It runs until exit.
std::uint16_t start_server();

// Returns once the shard has run what was queued before the call (or after 100 ms): a crash that
// the input's last bytes cause then happens while libFuzzer still knows that input.
void settle();

}  // namespace switchboard::fuzz
