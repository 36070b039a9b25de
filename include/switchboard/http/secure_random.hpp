#pragma once
// Cryptographically secure random bytes for ids (sessions, sockets, correlation ids), drawn from
// OpenSSL's generator a few kilobytes at a time per thread: one RAND_bytes call per id was a
// tenth of the cost of a whole connection handshake.
#include <cstddef>
#include <span>

namespace switchboard::http {

// Fills `out`; throws std::runtime_error if OpenSSL's generator fails.
void secure_random(std::span<unsigned char> out);

}  // namespace switchboard::http
