#pragma once
// A blocking raw TCP client for the listener's tests: POSIX sockets with a receive timeout, so
// that a server that never answers fails the test instead of hanging it.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace switchboard::http::test {

class raw_client {
 public:
  // `receive_buffer`: a small SO_RCVBUF makes a peer that does not read look full sooner.
  explicit raw_client(std::uint16_t port, int receive_buffer = 0) : raw_client(receive_buffer) { connect(port); }

  // A socket not connected yet: it holds its descriptor already.
  explicit raw_client(int receive_buffer = 0) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (receive_buffer > 0) ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
    timeval tv{10, 0};  // generous: every wait in these tests ends far sooner when all is well
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  }

  bool connect(std::uint16_t port) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    return connected_;
  }
  ~raw_client() {
    if (fd_ >= 0) ::close(fd_);
  }
  raw_client(const raw_client&) = delete;
  raw_client& operator=(const raw_client&) = delete;

  bool connected() const noexcept { return connected_; }

  bool send(std::string_view bytes) {
    while (!bytes.empty()) {
      const auto n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  // Reads until the peer closes (true) or an error or the 10 s timeout (false).
  bool read_until_close() {
    for (;;) {
      char buf[4096];
      const auto n = ::recv(fd_, buf, sizeof buf, 0);
      if (n == 0) return true;
      if (n < 0) return errno == ECONNRESET;
      input_.append(buf, static_cast<std::size_t>(n));
    }
  }

  // Reads until the input holds at least `size` bytes; false on close, error or timeout.
  bool read_at_least(std::size_t size) {
    while (input_.size() < size) {
      char buf[4096];
      const auto n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return false;
      input_.append(buf, static_cast<std::size_t>(n));
    }
    return true;
  }

  // Reads up to the end of a response header and returns it (without taking it from the input).
  std::string read_header() {
    for (;;) {
      if (const auto end = input_.find("\r\n\r\n"); end != std::string::npos) return input_.substr(0, end + 4);
      char buf[4096];
      const auto n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return {};
      input_.append(buf, static_cast<std::size_t>(n));
    }
  }

  // Takes `n` bytes from the front of the input.
  std::string take(std::size_t n) {
    std::string out = input_.substr(0, n);
    input_.erase(0, n);
    return out;
  }

  const std::string& input() const noexcept { return input_; }

 private:
  int fd_ = -1;
  bool connected_ = false;
  std::string input_;
};

}  // namespace switchboard::http::test
