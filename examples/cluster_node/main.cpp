// A cluster node: start two or more against one Redis, each on its own port, and a "shout" that a
// client sends to any node reaches the clients of every node. The cluster speaks the protocol of
// Node's @socket.io/redis-adapter, so Node.js servers can join it. Usage: cluster_node PORT
// redis://HOST:PORT; stops on Ctrl-C or SIGTERM, after telling its clients.
#include <chrono>
#include <iostream>
#include <string>

#include "switchboard/cluster/redis_adapter.hpp"
#include "switchboard/http/stop_signals.hpp"
#include "switchboard/sio/server.hpp"

namespace cluster = switchboard::cluster;
namespace sio = switchboard::sio;

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: cluster_node PORT redis://HOST:PORT\n";
    return 2;
  }
  switchboard::http::stop_signals stop;  // before any thread starts
  switchboard::http::server http({.port = static_cast<std::uint16_t>(std::stoi(argv[1]))});
  // The node's Redis connections run on the first shard; it reconnects on its own if Redis goes.
  cluster::redis_cluster node(http.shards().shard(0).get_executor(), cluster::parse_redis_url(argv[2]));
  node.start();
  auto io = sio::server::attach(http, {.adapter_factory = node.make_factory()});
  io->on_connection([server = io.get()](sio::socket& socket) {
    // A broadcast goes to this node's sockets and, through Redis, to every other node's.
    socket.on("shout", [server](sio::socket&, sio::arguments& args, sio::ack_sender) {
      server->of("/").emit("shout", std::move(args));
    });
  });

  http.start();
  std::cout << "listening on " << http.port() << std::endl;
  stop.wait();
  io->close(std::chrono::seconds(5));
  node.close();
  http.stop();
}
