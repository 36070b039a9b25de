#pragma once
// Where the sharded protocol's commands go: to the master that serves each channel's slot. With a
// Redis Cluster, one publisher and one subscriber connection per master; with a single Redis
// (CLUSTER SHARDS refused: "cluster support disabled"), that server serves every slot. The
// topology is read at start, again after a MOVED, while a master is unreachable, and every
// refresh interval; shard channels follow their slot to its new master (a failover, a slot
// migration). Thread-safe: every member may be called from any thread; work runs on a strand.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "slots.hpp"
#include "switchboard/cluster/redis_connection.hpp"

namespace switchboard::cluster::detail {

class shard_router : public std::enable_shared_from_this<shard_router> {
 public:
  // `seeds`: where to read the topology first; their credentials and db serve every master.
  shard_router(boost::asio::any_io_executor executor, std::vector<redis_endpoint> seeds, redis_options options,
               std::chrono::milliseconds refresh_interval = std::chrono::seconds(5));

  // Set before start(): shard channel messages (pattern empty), and up / down of the whole.
  void on_message(message_handler handler) { on_message_ = std::move(handler); }
  void on_state(state_handler handler) { on_state_ = std::move(handler); }

  void start();
  void close();

  // SPUBLISH on the channel's master; a MOVED is followed once, after the topology is read again.
  void spublish(std::string channel, std::string payload, reply_handler handler);
  // A command on the master of its first argument's slot (a key, a channel); a MOVED or ASK is
  // followed once, as for spublish.
  void command(std::vector<std::string> argv, reply_handler handler);
  // PUBSUB SHARDNUMSUB of the channel on its master: how many subscribe to it (0 when unknown).
  void shard_subscribers(std::string channel, std::function<void(std::size_t)> done);
  void ssubscribe(std::vector<std::string> channels);
  void sunsubscribe(std::vector<std::string> channels);

  // Every master's connections up and every slot served.
  bool connected() const noexcept { return connected_.load(std::memory_order_relaxed); }
  // Summed over every connection this router made (rejected commands not counted).
  redis_stats stats() const;

 private:
  struct master {
    std::unique_ptr<redis_connection> publisher;
    std::unique_ptr<redis_connection> subscriber;
  };

  void refresh();  // on strand_
  void apply(topology fresh);
  void place(const std::string& channel);
  master& link_to(const node_address& address);
  redis_endpoint endpoint_of(const node_address& address) const;
  void update_state();
  void send(std::vector<std::string> argv, reply_handler handler, bool retried);
  void schedule_refresh(std::chrono::milliseconds after);

  boost::asio::strand<boost::asio::any_io_executor> strand_;
  const std::vector<redis_endpoint> seeds_;
  const redis_options options_;
  const std::chrono::milliseconds refresh_interval_;
  message_handler on_message_;
  state_handler on_state_;

  // On strand_:
  boost::asio::steady_timer refresh_timer_;
  std::unique_ptr<redis_connection> probe_;  // to a seed, while no master is known
  std::optional<topology> topology_;
  bool standalone_ = false;  // a single Redis: the first seed serves every slot
  std::map<node_address, master> masters_;
  std::set<std::string> channels_;                 // wanted
  std::map<std::string, node_address> placed_;     // where each is subscribed
  std::size_t next_seed_ = 0;  // successive probes take the seeds in turn
  bool refreshing_ = false;
  bool closed_ = false;
  std::atomic<bool> connected_{false};
  std::atomic<std::uint64_t> topology_errors_{0};
  std::atomic<std::uint64_t> link_errors_{0};      // connections lost or refused, every master's
  std::atomic<std::uint64_t> link_reconnects_{0};  // connections back up
};

}  // namespace switchboard::cluster::detail
