#include "client.hpp"

#include <boost/asio/post.hpp>

#include "packets.hpp"

namespace switchboard::sio::detail {

namespace wsio = wire::sio;

client::client(engine::session_ptr session, namespace_lookup lookup, const server_config& config)
    : session_(std::move(session)), lookup_(std::move(lookup)), config_(config), connect_timer_(session_->executor()) {}

// A connection that joins no namespace in time is closed, as the reference server does.
void client::start() {
  connect_timer_.expires_after(config_.opts.connect_timeout);
  connect_timer_.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
    auto self = weak.lock();
    if (!ec && self && self->sockets_.empty()) self->session_->close("connect timeout");
  });
}

void client::on_message(bool binary, std::string data) {
  if (closed_) return;
  wsio::decoder::status status{};
  wsio::packet p;
  const std::error_code ec = binary ? decoder_.add_binary(std::move(data), status, p) : decoder_.add_text(data, status, p);
  if (ec) return session_->close("parse error");  // as the reference: invalid input ends the connection
  if (status == wsio::decoder::status::packet_ready) on_packet(std::move(p));
}

void client::on_packet(wsio::packet p) {
  if (p.type == wsio::packet_type::connect) return connect(std::move(p));
  const auto it = sockets_.find(p.nsp);
  if (it == sockets_.end()) return;  // not connected to that namespace: ignored, as the reference does
  const std::shared_ptr<socket_impl> s = it->second;
  switch (p.type) {
    case wsio::packet_type::event: return s->on_event(std::move(p));
    case wsio::packet_type::ack: return s->on_ack(std::move(p));
    case wsio::packet_type::disconnect: return s->close("client namespace disconnect");
    default: return;  // CONNECT_ERROR is the server's to send
  }
}

void client::connect(wsio::packet p) {
  if (sockets_.contains(p.nsp) || connecting_.contains(p.nsp)) return;
  auto nsp = lookup_(p.nsp);
  if (!nsp) return refuse(p.nsp, {"Invalid namespace"});
  boost::json::object auth = p.data ? std::move(p.data->as_object()) : boost::json::object{};
  auto s = std::make_shared<socket_impl>(nsp, session_, make_socket_id(), make_correlation_id(), std::move(auth),
                                         session_->shard());
  connecting_.insert(nsp->name);
  run_middleware(std::move(s), nsp, 0);
}

// The server's middleware first, then the namespace's: `index` runs over both.
void client::run_middleware(std::shared_ptr<socket_impl> s, std::shared_ptr<namespace_state> nsp, std::size_t index) {
  if (closed_) return;
  const std::size_t server_wide = config_.middlewares.size();
  if (index == server_wide + nsp->middlewares.size()) return admit(std::move(s), nsp);
  // next() may come from any thread and at any time: it comes back to this shard, once.
  auto once = std::make_shared<std::atomic<bool>>(false);
  next_fn next = [weak = weak_from_this(), s, nsp, index, once](std::optional<connect_error> error) {
    if (once->exchange(true)) return;
    auto self = weak.lock();
    if (!self) return;
    boost::asio::post(self->session_->executor(), [self, s, nsp, index, error = std::move(error)] {
      if (self->closed_) return;
      if (error) {
        self->connecting_.erase(nsp->name);
        return self->refuse(nsp->name, *error);
      }
      self->run_middleware(s, nsp, index + 1);
    });
  };
  const middleware& m = index < server_wide ? config_.middlewares[index] : nsp->middlewares[index - server_wide];
  m(*s, std::move(next));
}

void client::admit(std::shared_ptr<socket_impl> s, const std::shared_ptr<namespace_state>& nsp) {
  connecting_.erase(nsp->name);
  connect_timer_.cancel();
  s->on_closed = [weak = weak_from_this()](socket_impl& closed) {
    if (auto self = weak.lock()) self->sockets_.erase(closed.nsp());
  };
  sockets_.emplace(nsp->name, s);
  s->enter();
  for (const auto& hook : config_.connection_hooks) {
    if (s->connected()) hook(*s);
  }
  if (nsp->on_connection && s->connected()) nsp->on_connection(*s);
}

void client::refuse(const std::string& nsp, const connect_error& error) {
  wsio::packet p;
  p.type = wsio::packet_type::connect_error;
  p.nsp = nsp;
  boost::json::object body{{"message", error.message}};
  if (!error.data.is_null()) body["data"] = error.data;
  p.data = std::move(body);
  wire::frame_ptr frame;
  if (!wsio::encode_frame(p, frame)) session_->send(std::move(frame));
}

void client::on_close(std::string_view reason) {
  if (closed_) return;
  closed_ = true;
  connect_timer_.cancel();
  decoder_.reset();
  auto sockets = std::move(sockets_);
  sockets_.clear();
  for (auto& [name, s] : sockets) s->close(reason);
}

}  // namespace switchboard::sio::detail
