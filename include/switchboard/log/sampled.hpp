#pragma once
/// @file
/// Repeated warnings from one source (a socket, a client address) are sampled: the first record is
/// written, the next ones within the sample window are only counted, and the first record written
/// after the window carries `suppressed=N`. A hostile client cannot turn its messages into log volume.
#include <chrono>
#include <cstdint>

#include "switchboard/log/log.hpp"

namespace switchboard::log {

/// How warn_sampled() samples.
struct sampling_options {
  /// One record per source within this window.
  std::chrono::milliseconds window{10'000};
  /// Sources remembered per thread; past it, the records of new sources are counted, not written.
  std::size_t max_sources = 4096;
};

/// Sets the sampling window and source limit. Before the loops start; default: 10 s, 4096 sources.
void configure_sampling(const sampling_options& opts) noexcept;

/// Writes the record at warn level unless `source` had one within the window. State is kept per
/// thread: a source's records must come from one thread (a socket's shard), which they do.
void warn_sampled(std::string_view source, std::string_view message, std::initializer_list<field> fields);

/// Records counted and not written since the start (for /metrics). Thread-safe.
std::uint64_t suppressed_total() noexcept;

}  // namespace switchboard::log
