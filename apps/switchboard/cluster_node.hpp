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

}  // namespace switchboard::app
