#include "cluster_node.hpp"

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

}  // namespace switchboard::app
