#pragma once
// A loopback TCP client for the whole-server fuzzer: a non-blocking socket whose every wait is
// bounded, so a server that stops reading or answering costs the fuzzer milliseconds, not a hang.
// Used by the fuzzer thread only.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace switchboard::fuzz {

class loopback_client {
 public:
  using done_fn = std::function<bool(std::string_view received)>;

  // Connects to 127.0.0.1:port; usable() is false when that did not succeed in time.
  explicit loopback_client(std::uint16_t port);
  ~loopback_client();
  loopback_client(const loopback_client&) = delete;
  loopback_client& operator=(const loopback_client&) = delete;

  bool usable() const noexcept { return fd_ >= 0 && !peer_closed_; }

  // Writes all of `bytes`, reading meanwhile, unless the server closes or takes nothing for `patience`.
  bool write(std::string_view bytes, std::chrono::milliseconds patience);
  // Sends FIN: the server reads what is left, then closes (or not: a held request may not notice).
  void shutdown_write();
  // Reads until the server closes, `done` holds, nothing arrives for `quiet`, or `limit` passes.
  void read(std::chrono::milliseconds quiet, std::chrono::milliseconds limit, const done_fn& done = {});

  // Reads from all of `clients` until none has had anything for `quiet`, or `limit` has passed.
  static void read_all(std::span<const std::unique_ptr<loopback_client>> clients, std::chrono::milliseconds quiet,
                       std::chrono::milliseconds limit);

  // What arrived and was not consumed yet (capped: the fuzzer only parses beginnings).
  std::string_view received() const noexcept { return in_; }
  void consume(std::size_t n) { in_.erase(0, n); }

 private:
  // Takes what the socket has now; false when nothing was there.
  bool read_available();

  int fd_ = -1;
  bool peer_closed_ = false;
  std::string in_;
};

}  // namespace switchboard::fuzz
