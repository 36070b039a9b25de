#include "cluster_node.hpp"

#include "switchboard/log/log.hpp"

namespace switchboard::app {

std::unique_ptr<cluster::redis_cluster> start_cluster(const config& c, boost::asio::any_io_executor executor) {
  if (c.cluster.redis.empty()) return nullptr;
  cluster::redis_endpoint endpoint;
  try {
    endpoint = cluster::parse_redis_url(c.cluster.redis);
  } catch (const std::invalid_argument& e) {
    // The URL may hold a password: only the reason is shown.
    throw config_error(std::string("cluster.redis: ") + e.what() + ": expected redis://[[user]:password@]host[:port][/db]");
  }
  cluster::redis_adapter_options options;
  options.key = c.cluster.key;
  options.request_timeout = c.cluster.request_timeout;
  options.publish_on_specific_response_channel = c.cluster.specific_response_channel;
  if (c.cluster.adapter == "sharded") options.protocol = cluster::adapter_protocol::sharded;
  if (c.cluster.subscription_mode == "static") options.subscriptions = cluster::subscription_mode::namespace_only;
  if (c.cluster.subscription_mode == "dynamic-private") options.subscriptions = cluster::subscription_mode::every_room;
  auto node = std::make_unique<cluster::redis_cluster>(std::move(executor), endpoint, std::move(options));
  node->start();
  log::info("cluster: joining over Redis", {{"redis", endpoint.address()},
                                            {"key", c.cluster.key},
                                            {"adapter", c.cluster.adapter},
                                            {"subscription_mode", c.cluster.subscription_mode}});
  return node;
}

}  // namespace switchboard::app
