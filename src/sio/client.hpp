#pragma once
// One Engine.IO session seen by Socket.IO: decodes its packets, connects it to namespaces
// (through their middleware), and routes events and acks to its sockets. On its session's shard.
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <unordered_map>
#include <unordered_set>

#include "socket_impl.hpp"

namespace switchboard::sio::detail {

// Finds a namespace by name, creating a dynamic one if allowed; a null state if none. May throw
// (a dynamic namespace's accept or setup is user code).
using namespace_lookup = std::function<namespace_ref(const std::string&)>;

class client final : public std::enable_shared_from_this<client> {
 public:
  client(engine::session_ptr session, namespace_lookup lookup, server_config& config);

  void start();
  void on_message(bool binary, std::string data);
  void on_close(std::string_view reason);
  // The connection moved to WebSocket: `watcher` hears of each connected socket.
  void on_upgrade(observer& watcher);

 private:
  void on_packet(wire::sio::packet p);
  void on_msgpack_message(bool binary, std::string_view data);
  void connect(wire::sio::packet p);
  void run_middleware(std::shared_ptr<socket_impl> s, std::shared_ptr<namespace_state> nsp, std::size_t index);
  void admit(std::shared_ptr<socket_impl> s, const std::shared_ptr<namespace_state>& nsp);
  void refuse(const std::string& nsp, const connect_error& error);
  // Closes the connection for binary it may not park (before CONNECT, or over the bound).
  void refuse_attachments(std::string_view reason);
  // The first socket of this connection was admitted: the engine session is authenticated.

  engine::session_ptr session_;
  namespace_lookup lookup_;
  wire::sio::decoder decoder_;
  std::unordered_map<std::string, std::shared_ptr<socket_impl>> sockets_;  // connected, by namespace
  std::unordered_set<std::string> connecting_;                             // in their middleware
  server_config& config_;
  // Only until the first namespace admits a socket: a connected client holds none (~100 B).
  std::unique_ptr<boost::asio::steady_timer> connect_timer_;
  std::size_t parked_bytes_ = 0;  // attachments of the packet being reassembled
  bool admitted_ = false;         // a socket was admitted once
  parser_kind parser_;            // the server's, until the first message says JSON
  bool parser_known_ = false;
  bool closed_ = false;
};

}  // namespace switchboard::sio::detail
