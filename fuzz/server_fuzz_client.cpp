#include "server_fuzz_client.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <vector>

namespace switchboard::fuzz {
namespace {

using clock = std::chrono::steady_clock;
constexpr std::size_t max_kept = 256 * 1024;  // of received bytes; the rest is read and dropped

int milliseconds_until(clock::time_point until) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - clock::now()).count();
  return left > 0 ? static_cast<int>(left) : 0;
}

int wait_for(int fd, short events, clock::time_point until) {
  pollfd p{.fd = fd, .events = events, .revents = 0};
  return ::poll(&p, 1, milliseconds_until(until)) > 0 ? p.revents : 0;
}

}  // namespace

loopback_client::loopback_client(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return;
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&to), sizeof to) != 0 && errno != EINPROGRESS) {
    ::close(fd);
    return;
  }
  int error = 0;
  socklen_t length = sizeof error;
  if (!(wait_for(fd, POLLOUT, clock::now() + std::chrono::milliseconds(200)) & POLLOUT) ||
      ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0 || error != 0) {
    ::close(fd);
    return;
  }
  fd_ = fd;
}

loopback_client::~loopback_client() {
  if (fd_ >= 0) ::close(fd_);
}

void loopback_client::shutdown_write() {
  if (fd_ >= 0) ::shutdown(fd_, SHUT_WR);
}

bool loopback_client::read_available() {
  char buffer[16 * 1024];
  bool any = false;
  while (!peer_closed_) {
    const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n > 0) {
      any = true;
      if (in_.size() < max_kept) in_.append(buffer, static_cast<std::size_t>(n));
    } else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
      peer_closed_ = true;  // closed or reset: either way nothing more comes
    } else {
      break;
    }
  }
  return any;
}

bool loopback_client::write(std::string_view bytes, std::chrono::milliseconds patience) {
  while (usable() && !bytes.empty()) {
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n > 0) {
      bytes.remove_prefix(static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
      peer_closed_ = true;
      break;
    }
    // The server is not reading: take what it sends meanwhile, so that neither side waits on the other.
    const int ready = wait_for(fd_, POLLIN | POLLOUT, clock::now() + patience);
    if (ready == 0) return false;
    if (ready & (POLLIN | POLLHUP | POLLERR)) read_available();
  }
  return usable() && bytes.empty();
}

void loopback_client::read(std::chrono::milliseconds quiet, std::chrono::milliseconds limit, const done_fn& done) {
  const auto end = clock::now() + limit;
  while (usable() && !(done && done(in_))) {
    const auto until = std::min(end, clock::now() + quiet);
    if (!(wait_for(fd_, POLLIN, until) & (POLLIN | POLLHUP | POLLERR))) return;
    read_available();
    if (clock::now() >= end) return;
  }
}

void loopback_client::read_all(std::span<const std::unique_ptr<loopback_client>> clients,
                               std::chrono::milliseconds quiet, std::chrono::milliseconds limit) {
  const auto end = clock::now() + limit;
  std::vector<pollfd> fds;
  std::vector<loopback_client*> readers;
  while (true) {
    fds.clear();
    readers.clear();
    for (const auto& c : clients) {
      if (!c->usable()) continue;
      fds.push_back({.fd = c->fd_, .events = POLLIN, .revents = 0});
      readers.push_back(c.get());
    }
    if (fds.empty()) return;
    if (::poll(fds.data(), fds.size(), milliseconds_until(std::min(end, clock::now() + quiet))) <= 0) return;
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) readers[i]->read_available();
    }
    if (clock::now() >= end) return;
  }
}

}  // namespace switchboard::fuzz
