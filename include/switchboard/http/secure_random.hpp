#pragma once
/// @file
/// Cryptographically secure random bytes for ids (sessions, sockets, correlation ids), drawn from
/// OpenSSL's generator a few kilobytes at a time per thread: one RAND_bytes call per id was a
/// tenth of the cost of a whole connection handshake.
#include <cstddef>
#include <span>

namespace switchboard::http {

/// Fills `out` with secure random bytes; throws std::runtime_error if OpenSSL's generator fails.
/// Thread-safe: each thread draws from its own buffer, and each byte is handed out once.
void secure_random(std::span<unsigned char> out);

}  // namespace switchboard::http
