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

#include "switchboard/cluster/redis_adapter.hpp"

namespace switchboard::cluster {

class node;

// 6 random alphanumerics (uids and request ids, as Node's uid2(6)).
std::string random_id();

struct redis_cluster::core : std::enable_shared_from_this<redis_cluster::core> {
  core(boost::asio::any_io_executor executor, redis_endpoint endpoint, redis_adapter_options options);

  boost::asio::any_io_executor executor;
  const redis_adapter_options options;
  redis_connection publisher;
  redis_connection subscriber;
  server_side_emit_handler server_side_emit;  // set before start

  std::atomic<std::uint64_t> publish_failures{0};
  std::atomic<std::uint64_t> request_timeouts{0};
  std::atomic<std::uint64_t> invalid_messages{0};
  std::atomic<std::uint64_t> published{0};
  std::atomic<std::uint64_t> received{0};

  // Publishes; a failure is counted and logged (the first of a series, then every 1000th).
  // `sent` (may be empty) learns whether Redis took it, on the publisher's strand.
  void publish(std::string channel, std::string payload, std::function<void(bool sent)> sent = {});

  enum class route_kind { broadcast, request, response };
  void add_route(const std::string& name, route_kind kind, const std::shared_ptr<node>& target);
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
// handling of received messages, and the requests in flight.
class node : public std::enable_shared_from_this<node> {
 public:
  node(std::shared_ptr<redis_cluster::core> core, std::string nsp, std::unique_ptr<sio::adapter> local);

  const std::string& nsp() const noexcept { return nsp_; }
  const std::string& uid() const noexcept { return uid_; }
  const cluster::channels& channels() const noexcept { return channels_; }
  void subscribe();  // the pattern and the three channels, once; routes registered in the core
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
  void all_rooms(std::function<void(std::error_code, std::set<std::string>)> done);

  // Received messages, on the subscriber's strand.
  void on_broadcast(std::string_view channel, std::string_view payload);
  void on_request(std::string_view payload);
  void on_response(std::string_view payload);

 private:
  // Requests (node_requests.cpp), on strand_: registers `request`, asks NUMSUB, then publishes
  // the message `encode(request_id)` on the request channel.
  // Returns the request id.
  std::string start_request(std::shared_ptr<pending_request> request,
                            std::function<std::string(const std::string&)> encode, std::chrono::milliseconds timeout);
  void set_expected(const std::string& id, std::size_t expected);
  void check(const std::string& id);
  void expire(const std::string& id);
  void reply(std::string_view requester_uid, response message);

  void answer_broadcast_with_ack(broadcast_request request);

  std::shared_ptr<redis_cluster::core> core_;
  std::string nsp_;
  std::string uid_;
  cluster::channels channels_;
  std::unique_ptr<sio::adapter> local_;
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
  ~node_adapter() override { node_->close(); }

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

 private:
  std::shared_ptr<node> node_;
};

}  // namespace switchboard::cluster
