#include "cluster_node.hpp"

#include <chrono>
#include <thread>

#include "switchboard/log/log.hpp"

namespace switchboard::app {

namespace {

// `cluster.redis`: one URL, or several separated by commas (seeds of a Redis Cluster).
std::vector<cluster::redis_endpoint> parse_seeds(std::string_view urls) {
  std::vector<cluster::redis_endpoint> out;
  while (!urls.empty()) {
    const auto comma = urls.find(',');
    std::string_view url = urls.substr(0, comma);
    while (!url.empty() && url.front() == ' ') url.remove_prefix(1);
    while (!url.empty() && url.back() == ' ') url.remove_suffix(1);
    try {
      out.push_back(cluster::parse_redis_url(url));
    } catch (const std::invalid_argument& e) {
      // The URL may hold a password: only the reason is shown.
      throw config_error(std::string("cluster.redis: ") + e.what() +
                         ": expected redis://[[user]:password@]host[:port][/db], comma-separated for several");
    }
    urls = comma == std::string_view::npos ? std::string_view() : urls.substr(comma + 1);
  }
  return out;
}

}  // namespace

std::unique_ptr<cluster::redis_cluster> start_cluster(const config& c, boost::asio::any_io_executor executor) {
  if (c.cluster.redis.empty()) return nullptr;
  auto seeds = parse_seeds(c.cluster.redis);
  if (seeds.size() > 1 && c.cluster.adapter != "sharded") {
    throw config_error("cluster.redis: several URLs are the seeds of a Redis Cluster, which needs cluster.adapter = \"sharded\"");
  }
  const cluster::redis_endpoint endpoint = seeds.front();
  cluster::redis_adapter_options options;
  options.key = c.cluster.key;
  options.request_timeout = c.cluster.request_timeout;
  options.publish_on_specific_response_channel = c.cluster.specific_response_channel;
  if (c.cluster.adapter == "sharded") options.protocol = cluster::adapter_protocol::sharded;
  if (c.cluster.subscription_mode == "static") options.subscriptions = cluster::subscription_mode::namespace_only;
  if (c.cluster.subscription_mode == "dynamic-private") options.subscriptions = cluster::subscription_mode::every_room;
  options.cluster_seeds.assign(seeds.begin() + 1, seeds.end());
  auto node = std::make_unique<cluster::redis_cluster>(std::move(executor), endpoint, std::move(options));
  node->start();
  log::info("cluster: joining over Redis", {{"redis", endpoint.address()},
                                            {"key", c.cluster.key},
                                            {"adapter", c.cluster.adapter},
                                            {"subscription_mode", c.cluster.subscription_mode}});
  return node;
}

void stop_cluster(cluster::redis_cluster& node) {
  node.close();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (node.stats().connected && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

std::shared_ptr<cluster::node_directory> relay_polling(const config& c, cluster::redis_cluster& node,
                                                       engine::options& engine) {
  if (!c.tls.cert.empty()) {
    log::warn("cluster: polling requests are not relayed between nodes over TLS: long-polling needs sticky sessions",
              {{"hint", "terminate TLS at the load balancer to relay"}});
    return nullptr;
  }
  (void)advertised_address(c, 1);  // refuses a configuration without an address now, before the listener starts
  auto directory = node.directory();
  engine.cluster.directory = directory;
  engine.cluster.relay.max_connections_per_target = c.cluster.relay_connections;
  const bool loopback_only = c.server.address == "127.0.0.1" || c.server.address == "::1";
  if (c.limits.connections_per_address != 0 && c.limits.exempt_addresses.empty() && !loopback_only) {
    log::warn("cluster: the connections other nodes relay to this one count against limits.connections_per_address",
              {{"hint", "list the nodes' network in limits.exempt_addresses"},
               {"connections_per_address", std::to_string(c.limits.connections_per_address)}});
  }
  return directory;
}

boost::asio::ip::tcp::endpoint advertised_address(const config& c, std::uint16_t bound_port) {
  if (!c.cluster.advertise.empty()) {
    const auto address = cluster::parse_node_address(c.cluster.advertise);
    if (!address) {
      throw config_error("cluster.advertise: expected ip:port (or [ipv6]:port), the address other nodes reach this one at");
    }
    return *address;
  }
  boost::system::error_code bad;
  const auto address = boost::asio::ip::make_address(c.server.address, bad);
  if (bad || address.is_unspecified()) {
    throw config_error("cluster.advertise is needed: server.address (" + c.server.address +
                       ") is not an address other nodes can reach; set cluster.advertise = \"ip:port\"");
  }
  return {address, bound_port};
}

}  // namespace switchboard::app
