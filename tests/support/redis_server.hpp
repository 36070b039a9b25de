#pragma once
// A throwaway redis-server (Debian's) for a test: on a free loopback port, no persistence,
// ready when it answers PING, stopped by its pid. stop() and start() again keep the port, for
// tests of what happens while Redis is down.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>

namespace test_support {

class redis_server {
 public:
  redis_server() : port_(free_port()) { start(); }
  ~redis_server() { stop(); }
  redis_server(const redis_server&) = delete;
  redis_server& operator=(const redis_server&) = delete;

  int port() const noexcept { return port_; }
  std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }

  void start() {
    const std::string port = std::to_string(port_);
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      execlp("redis-server", "redis-server", "--port", port.c_str(), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--loglevel", "warning", static_cast<char*>(nullptr));
      _exit(127);
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!answers_ping()) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        throw std::runtime_error("redis-server exited at start (is it installed? make deps)");
      }
      if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error("redis-server did not answer PING");
      std::this_thread::yield();
    }
  }

  void stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

 public:
  static int free_port() {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof addr;
    if (bind(fd, reinterpret_cast<sockaddr*>(&addr), size) != 0 ||
        getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &size) != 0) {
      close(fd);
      throw std::runtime_error("no free port");
    }
    close(fd);
    return ntohs(addr.sin_port);
  }

  bool answers_ping() const { return ask(port_, "PING\r\n").starts_with("+PONG"); }

  // One inline command to the server on `port`, and its answer: a line, or a whole bulk string
  // ("" if the server is not there).
  static std::string ask(int port, const std::string& command) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    std::string answer;
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
        write(fd, command.data(), command.size()) == static_cast<ssize_t>(command.size())) {
      char chunk[4096];
      while (!complete(answer)) {
        const ssize_t n = read(fd, chunk, sizeof chunk);
        if (n <= 0) break;
        answer.append(chunk, static_cast<std::size_t>(n));
      }
    }
    close(fd);
    return answer;
  }

 private:
  static bool complete(const std::string& answer) {
    const auto line = answer.find("\r\n");
    if (line == std::string::npos) return false;
    if (answer[0] != '$') return true;
    const long size = std::stol(answer.substr(1, line - 1));
    return size < 0 || answer.size() >= line + 2 + static_cast<std::size_t>(size) + 2;
  }


  int port_;
  pid_t pid_ = -1;
};

}  // namespace test_support
