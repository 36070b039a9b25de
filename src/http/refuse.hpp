#pragma once
// Turning a connection away before reading its request: a short 503 written without blocking,
// best effort, then the socket is closed. Nothing waits on the peer.
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <string>
#include <string_view>

namespace switchboard::http::detail {

inline std::string refusal_response(std::string_view message) {
  const std::string body = R"({"code":503,"message":")" + std::string(message) + R"("})";
  return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nConnection: close\r\n"
         "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

// Takes ownership of `fd`. What the peer already sent is read first, so that the close is not
// a reset that could destroy the answer.
inline void refuse_and_close(int fd, std::string_view message) noexcept {
  std::array<char, 4096> discard;
  for (int i = 0; i < 4 && ::recv(fd, discard.data(), discard.size(), MSG_DONTWAIT) > 0; ++i) {
  }
  const std::string answer = refusal_response(message);
  [[maybe_unused]] const auto sent = ::send(fd, answer.data(), answer.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
  ::shutdown(fd, SHUT_WR);
  ::close(fd);
}

}  // namespace switchboard::http::detail
