#pragma once
// A throwaway Redis Cluster for a test: `masters` masters with a replica each, Debian's
// redis-server on free loopback ports (data and cluster bus), joined with
// `redis-cli --cluster create`, ready once every node says cluster_state:ok. A short node timeout
// lets a replica take over within seconds of its master being stopped. Stopped by pid.
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <sstream>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "redis_server.hpp"

namespace test_support {

class redis_cluster {
 public:
  explicit redis_cluster(int masters = 3) {
    char pattern[] = "/tmp/switchboard-redis-cluster-XXXXXX";
    if (!mkdtemp(pattern)) throw std::runtime_error("mkdtemp failed");
    dir_ = pattern;
    for (int i = 0; i < 2 * masters; ++i) start_node();
    std::vector<std::string> args{"redis-cli", "--cluster", "create"};
    for (const auto& n : nodes_) args.push_back("127.0.0.1:" + std::to_string(n.port));
    for (const char* a : {"--cluster-replicas", "1", "--cluster-yes"}) args.emplace_back(a);
    if (run(args) != 0) throw std::runtime_error("redis-cli --cluster create failed");
    wait_ok();
  }
  ~redis_cluster() {
    for (auto& n : nodes_) crash(n.port);
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  redis_cluster(const redis_cluster&) = delete;
  redis_cluster& operator=(const redis_cluster&) = delete;

  std::vector<int> ports() const {
    std::vector<int> out;
    for (const auto& n : nodes_) out.push_back(n.port);
    return out;
  }
  // The node that serves `slot` as a master now (CLUSTER NODES of a live node), or -1.
  int master_port_of(int slot) const {
    for (const auto& n : nodes_) {
      if (n.pid <= 0) continue;
      const std::string answer = redis_server::ask(n.port, "CLUSTER NODES\r\n");
      if (answer.empty()) continue;
      return parse_master_of(answer, slot);
    }
    return -1;
  }
  // Stops the node on `port` (SIGKILL: a crash, not a shutdown).
  void crash(int port) {
    for (auto& n : nodes_) {
      if (n.port == port && n.pid > 0) {
        kill(n.pid, SIGKILL);
        waitpid(n.pid, nullptr, 0);
        n.pid = -1;
      }
    }
  }
  // Until every live node says cluster_state:ok (a failover done), or throws after `limit`.
  void wait_ok(std::chrono::seconds limit = std::chrono::seconds(30)) const {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    for (const auto& n : nodes_) {
      if (n.pid <= 0) continue;
      while (redis_server::ask(n.port, "CLUSTER INFO\r\n").find("cluster_state:ok") == std::string::npos) {
        if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error("the Redis Cluster is not ok");
        std::this_thread::sleep_for(std::chrono::milliseconds(50));  // polling a condition, not a fixed wait
      }
    }
  }

 private:
  struct node {
    int port;
    pid_t pid;
  };

  void start_node() {
    const int port = redis_server::free_port();
    int bus = redis_server::free_port();
    while (bus == port) bus = redis_server::free_port();
    const std::string dir = dir_ + "/" + std::to_string(port);
    std::filesystem::create_directories(dir);
    const pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
      const std::string p = std::to_string(port), b = std::to_string(bus);
      execlp("redis-server", "redis-server", "--port", p.c_str(), "--cluster-port", b.c_str(), "--bind", "127.0.0.1",
             "--cluster-enabled", "yes", "--cluster-node-timeout", "1000", "--cluster-replica-validity-factor", "0",
             "--cluster-config-file", "nodes.conf",
             "--dir", dir.c_str(), "--save", "", "--appendonly", "no", "--loglevel", "warning",
             static_cast<char*>(nullptr));
      _exit(127);
    }
    nodes_.push_back({port, pid});
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!redis_server::ask(port, "PING\r\n").starts_with("+PONG")) {
      if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error("redis-server did not answer PING");
      std::this_thread::yield();
    }
  }

  static int run(const std::vector<std::string>& args) {
    const pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
      std::vector<char*> argv;
      for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      if (!freopen("/dev/null", "w", stdout)) _exit(126);
      execvp(argv[0], argv.data());
      _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  // In CLUSTER NODES ("<id> <ip>:<port>@<bus> <flags> <master> <ping> <pong> <epoch> <link> <slots>..."
  // per line), the port of the master without a failure flag whose slot ranges hold `slot`.
  static int parse_master_of(const std::string& text, int slot) {
    std::istringstream lines(text.substr(text.find("\r\n") + 2));
    std::string line;
    while (std::getline(lines, line)) {
      std::istringstream fields(line);
      std::string id, address, flags, skip;
      fields >> id >> address >> flags;
      if (flags.find("master") == std::string::npos || flags.find("fail") != std::string::npos) continue;
      for (int i = 0; i < 5; ++i) fields >> skip;
      std::string range;
      while (fields >> range) {
        if (range.starts_with("[")) continue;  // a slot being migrated
        const auto dash = range.find('-');
        const int first = std::stoi(range.substr(0, dash));
        const int last = dash == std::string::npos ? first : std::stoi(range.substr(dash + 1));
        if (first <= slot && slot <= last) {
          const auto colon = address.find(':');
          return std::stoi(address.substr(colon + 1, address.find('@') - colon - 1));
        }
      }
    }
    return -1;
  }

  std::string dir_;
  std::vector<node> nodes_;
};

}  // namespace test_support
