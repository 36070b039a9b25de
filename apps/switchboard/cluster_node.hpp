#pragma once
// The binary as one node of a cluster: [cluster] read into a started redis_cluster, whose factory
// the Socket.IO server takes.
#include <memory>

#include "config.hpp"
#include "switchboard/cluster/redis_adapter.hpp"

namespace switchboard::app {

// nullptr when cluster.redis is empty (a single node). Otherwise a started cluster whose Redis
// I/O runs on `executor`; it reconnects on its own while Redis is down. Throws config_error for
// a URL it cannot read.
std::unique_ptr<cluster::redis_cluster> start_cluster(const config& c, boost::asio::any_io_executor executor);

// Closes the cluster's connections and waits (2 s at most) until they are down. They close on the
// shard loop, which must still run: a close posted to a stopped loop never runs, and the pending
// replies of a connection never closed keep its owners alive.
void stop_cluster(cluster::redis_cluster& node);

// Long-polling without sticky sessions: the engine's session ids name this node, and requests for
// other nodes' sessions are relayed to them. nullptr over TLS (the nodes relay in plain HTTP), with
// a warning. Throws config_error when no address to advertise can be known (see advertised_address).
std::shared_ptr<cluster::node_directory> relay_polling(const config& c, cluster::redis_cluster& node,
                                                       engine::options& engine);

// Where the other nodes reach this one: cluster.advertise, else server.address with the bound port.
// Throws config_error for an advertise that is not "ip:port", or a wildcard server.address without it.
boost::asio::ip::tcp::endpoint advertised_address(const config& c, std::uint16_t bound_port);

}  // namespace switchboard::app
