#pragma once
// The internals of the Redis adapter: the process-wide core (connections, routing of received
// messages to namespaces, counters) and the node of one namespace.
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "shard_router.hpp"
#include "switchboard/cluster/redis_adapter.hpp"

namespace switchboard::cluster {

class node;

// 6 random alphanumerics (the classic protocol's uids and request ids, as Node's uid2(6)).
std::string random_id();
// 16 random hex digits (the sharded protocol's, as socket.io-adapter's randomBytes(8)).
std::string random_hex_id();

struct redis_cluster::core : std::enable_shared_from_this<redis_cluster::core> {
  core(boost::asio::any_io_executor executor, redis_endpoint endpoint, redis_adapter_options options);

  boost::asio::any_io_executor executor;
  const redis_adapter_options options;
  redis_connection publisher;   // the classic protocol's (idle with the sharded one)
  redis_connection subscriber;
  std::shared_ptr<detail::shard_router> shards;  // the sharded protocol's: per master, by slot
  server_side_emit_handler server_side_emit;  // set before start

  std::atomic<std::uint64_t> publish_failures{0};
  std::atomic<std::uint64_t> request_timeouts{0};
  std::atomic<std::uint64_t> invalid_messages{0};
  std::atomic<std::uint64_t> published{0};
  std::atomic<std::uint64_t> received{0};

  // Publishes (SPUBLISH when `sharded`); a failure is counted and logged (the first of a series,
  // then every 1000th). `sent` (may be empty) learns whether Redis took it, on the publisher's strand.
  void publish(std::string channel, std::string payload, std::function<void(bool sent)> sent = {},
               bool sharded = false);

  // A command on the key argv[1]: on the master of its slot with the sharded protocol (Redis
  // Cluster or one Redis), else on the publisher.
  void command(std::vector<std::string> argv, reply_handler handler) {
    if (shards) return shards->command(std::move(argv), std::move(handler));
    publisher.command(std::move(argv), std::move(handler));
  }

  // Whether messages can be published now (known down: a broadcast says so at once).
  bool reachable() const noexcept { return shards ? shards->connected() : publisher.connected(); }

  enum class route_kind { broadcast, request, response, cluster_message };
  void add_route(const std::string& name, route_kind kind, const std::shared_ptr<node>& target);
  void remove_route(const std::string& name);
  // A message from the subscriber (on its strand): to the node the channel or pattern names.
  void route(std::string_view pattern, std::string_view channel, std::string_view payload);
  std::shared_ptr<node> find(const std::string& nsp) const;

 private:
  struct route_entry {
    route_kind kind;
    std::weak_ptr<node> target;
  };
  mutable std::mutex mutex_;
  std::unordered_map<std::string, route_entry> routes_;  // channel, or pattern (ends with '*')
  std::unordered_map<std::string, std::weak_ptr<node>> nodes_;
  std::atomic<bool> publish_failing_{false};
};

// redis_cluster::directory()'s (node_directory.cpp).
std::shared_ptr<node_directory> make_node_directory(std::shared_ptr<redis_cluster::core> core,
                                                    node_directory_options options);

// A request this node waits answers for. Lives on the node's strand only.
struct pending_request {
  request_type type;
  std::optional<std::size_t> expected;  // other nodes to hear from: unknown until NUMSUB answers
  std::size_t replies = 0;
  std::function<void(pending_request&, response&)> on_reply;  // counts what it needs
  std::function<bool(const pending_request&)> complete;   // empty: replies >= expected
  std::function<void(bool timed_out)> finish;              // once
  std::unique_ptr<boost::asio::steady_timer> timer;
};

// The node of one namespace: the sio adapter (through node_adapter, which sio owns), the
// handling of received messages, and the requests in flight. This class speaks the classic
// protocol; sharded_node overrides how messages travel (the virtual members).
class node : public std::enable_shared_from_this<node> {
 public:
  node(std::shared_ptr<redis_cluster::core> core, std::string nsp, std::unique_ptr<sio::adapter> local,
       std::string uid = random_id());
  virtual ~node() = default;

  const std::string& nsp() const noexcept { return nsp_; }
  const std::string& uid() const noexcept { return uid_; }
  const cluster::channels& channels() const noexcept { return channels_; }
  virtual void subscribe();  // the pattern and the three channels, once; routes registered in the core
  virtual void unsubscribe() {}  // when the namespace goes (the classic channels stay, as before)
  void close() noexcept { closed_.store(true); }
  bool closed() const noexcept { return closed_.load(); }

  // sio::adapter
  std::error_code broadcast(const wire::sio::packet& packet, wire::frame_ptr frame, const sio::broadcast_target& target,
                            sio::delivered_callback delivered);
  void broadcast_with_ack(const wire::sio::packet& packet, wire::frame_ptr frame, std::uint64_t ack_id,
                          const sio::broadcast_target& target, sio::broadcast_ack_callback done,
                          sio::broadcast_ack_progress progress);
  void fetch_sockets(const sio::broadcast_target& target, std::function<void(std::vector<sio::socket_info>)> done);
  void add_sockets(const sio::broadcast_target& target, std::string room);
  void del_sockets(const sio::broadcast_target& target, std::string room);
  void disconnect_sockets(const sio::broadcast_target& target, bool close);
  void counts(std::function<void(std::size_t, std::size_t)> done);
  void room_names(std::function<void(std::set<std::string>)> done);

  // Requests of redis_cluster's API.
  void server_side_emit(boost::json::array data, server_side_emit_callback done);
  virtual void all_rooms(std::function<void(std::error_code, std::set<std::string>)> done);

  // Rooms of this process coming and going (sio::adapter::tracks_rooms), serialized.
  virtual bool tracks_rooms() const { return false; }
  virtual void room_created(const std::string&, bool) {}
  virtual void room_deleted(const std::string&, bool) {}

  // Received messages of the classic protocol, on the subscriber's strand: decoded, then handled.
  void on_broadcast(std::string_view channel, std::string_view payload);
  void on_request(std::string_view payload);
  void on_response(std::string_view payload);
  // A message of the sharded protocol (sharded_node).
  virtual void on_cluster_message(std::string_view, std::string_view) {}

 protected:
  // What another node sent, decoded (from the emitter too).
  void handle_broadcast(broadcast_message message);
  void handle_request(request message);
  void handle_response(response message);  // posted to strand_

  // How messages travel: the classic protocol's channels and PUBLISH.
  virtual std::error_code publish_broadcast(const broadcast_message& message);
  virtual void publish_request(const request& message, std::function<void(bool sent)> sent = {});
  virtual void publish_response(std::string_view requester_uid, const response& message);
  // How many nodes share the namespace (NUMSUB of the request channel); 0 when unknown.
  virtual void count_nodes(std::function<void(std::size_t nodes)> done);
  virtual std::string new_request_id() const { return random_id(); }

  std::shared_ptr<redis_cluster::core> core_;
  std::unique_ptr<sio::adapter> local_;

 private:
  // Requests (node_requests.cpp), on strand_: registers `request`, counts the nodes, then
  // publishes `make(request_id)` when there is another. Returns the request id.
  std::string start_request(std::shared_ptr<pending_request> pending, std::function<request(const std::string&)> make,
                            std::chrono::milliseconds timeout);
  void apply_response(response& message);  // on strand_
  void set_expected(const std::string& id, std::size_t expected);
  void check(const std::string& id);
  void expire(const std::string& id);
  void reply(std::string_view requester_uid, response message) { publish_response(requester_uid, message); }

  void answer_broadcast_with_ack(broadcast_request request);

  std::string nsp_;
  std::string uid_;
  cluster::channels channels_;
  boost::asio::strand<boost::asio::any_io_executor> strand_;
  std::unordered_map<std::string, std::shared_ptr<pending_request>> pending_;  // on strand_
  // Ack ids for broadcasts with ack that other nodes asked: far above the namespace's own counter
  // (sio gives adapters no access to it), below 2^53.
  std::atomic<std::uint64_t> next_ack_id_{std::uint64_t{1} << 52};
  std::atomic<bool> closed_{false};
};

// What sio owns: forwards to the node and closes it when the namespace goes away.
class node_adapter final : public sio::adapter {
 public:
  explicit node_adapter(std::shared_ptr<node> n) : node_(std::move(n)) {}
  ~node_adapter() override {
    node_->unsubscribe();
    node_->close();
  }

  std::error_code broadcast(const wire::sio::packet& packet, wire::frame_ptr frame, const sio::broadcast_target& target,
                            sio::delivered_callback delivered) override {
    return node_->broadcast(packet, std::move(frame), target, std::move(delivered));
  }
  void broadcast_with_ack(const wire::sio::packet& packet, wire::frame_ptr frame, std::uint64_t ack_id,
                          const sio::broadcast_target& target, sio::broadcast_ack_callback done,
                          sio::broadcast_ack_progress progress) override {
    node_->broadcast_with_ack(packet, std::move(frame), ack_id, target, std::move(done), std::move(progress));
  }
  void fetch_sockets(const sio::broadcast_target& target,
                     std::function<void(std::vector<sio::socket_info>)> done) override {
    node_->fetch_sockets(target, std::move(done));
  }
  void add_sockets(const sio::broadcast_target& target, std::string room) override {
    node_->add_sockets(target, std::move(room));
  }
  void del_sockets(const sio::broadcast_target& target, std::string room) override {
    node_->del_sockets(target, std::move(room));
  }
  void disconnect_sockets(const sio::broadcast_target& target, bool close) override {
    node_->disconnect_sockets(target, close);
  }
  void counts(std::function<void(std::size_t, std::size_t)> done) override { node_->counts(std::move(done)); }
  void room_names(std::function<void(std::set<std::string>)> done) override { node_->room_names(std::move(done)); }
  bool tracks_rooms() const override { return node_->tracks_rooms(); }
  void room_created(const std::string& room, bool own) override { node_->room_created(room, own); }
  void room_deleted(const std::string& room, bool own) override { node_->room_deleted(room, own); }

 private:
  std::shared_ptr<node> node_;
};

}  // namespace switchboard::cluster
