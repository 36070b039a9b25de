#include "client.hpp"

#include <boost/asio/post.hpp>
#include <boost/url/parse.hpp>

#include "packets.hpp"

namespace switchboard::sio::detail {

namespace wsio = wire::sio;

client::client(engine::session_ptr session, namespace_lookup lookup, server_config& config)
    : session_(std::move(session)),
      lookup_(std::move(lookup)),
      config_(config),
      parser_(config.opts.parser) {}

// A connection that joins no namespace in time is closed, as the reference server does.
void client::start() {
  connect_timer_ = std::make_unique<boost::asio::steady_timer>(session_->executor(), config_.opts.connect_timeout);
  connect_timer_->async_wait([weak = weak_from_this()](boost::system::error_code ec) {
    auto self = weak.lock();
    if (!ec && self && self->sockets_.empty()) self->session_->close("connect timeout");
  });
  // A Socket.IO v2 client is in "/" as soon as its connection opens: it never asks. It speaks the
  // JSON parser (v2's msgpack parser is another format).
  if (session_->protocol() == 3) {
    parser_ = parser_kind::json;
    parser_known_ = true;
    wsio::packet p;
    p.type = wsio::packet_type::connect;
    connect(std::move(p));
  }
}

namespace {

// A v2 client's CONNECT names "/chat?token=abc": the namespace, and the query that stands for
// the auth payload v2 has not got (as the reference reads it).
void split_v2_query(wsio::packet& p) {
  const auto mark = p.nsp.find('?');
  if (mark == std::string::npos) return;
  boost::json::object auth;
  if (const auto url = boost::urls::parse_origin_form("/" + p.nsp.substr(mark))) {
    for (const auto& param : url->params()) auth[param.key] = param.has_value ? param.value : std::string();
  }
  p.nsp.resize(mark);
  p.data = std::move(auth);
}

// A v2 client names its sockets itself: the engine id in "/", "<nsp>#<engine id>" elsewhere.
std::string socket_id_for(const engine::session& session, const std::string& nsp) {
  if (session.protocol() != 3) return make_socket_id();
  return nsp == "/" ? session.id() : nsp + "#" + session.id();
}

}  // namespace

void client::on_message(bool binary, std::string data) {
  if (closed_) return;
  if (!parser_known_) {
    // A msgpack server serves JSON clients too: a client's first message is its CONNECT, text
    // with the JSON parser and binary with msgpack.
    parser_known_ = true;
    if (!binary) parser_ = parser_kind::json;
  }
  if (parser_ == parser_kind::msgpack) return on_msgpack_message(binary, data);
  if (binary) {
    if (!admitted_) return refuse_attachments("binary before connect");
    parked_bytes_ += data.size();
    if (parked_bytes_ > config_.opts.max_parked_attachment_bytes) return refuse_attachments("attachments too large");
  }
  wsio::decoder::status status{};
  wsio::packet p;
  const std::error_code ec = binary ? decoder_.add_binary(std::move(data), status, p) : decoder_.add_text(data, status, p);
  if (ec) return session_->close("parse error");  // as the reference: invalid input ends the connection
  if (status == wsio::decoder::status::need_attachment) {
    if (!admitted_) return refuse_attachments("binary before connect");
    return;
  }
  parked_bytes_ = 0;
  on_packet(std::move(p));
}

// Each packet is one binary message, whole: nothing is parked; the engine bounds its size.
void client::on_msgpack_message(bool binary, std::string_view data) {
  wsio::packet p;
  if (!binary || wsio::msgpack_parser::decode(data, p, wsio::decoder_limits{})) return session_->close("parse error");
  on_packet(std::move(p));
}

void client::refuse_attachments(std::string_view reason) {
  config_.attachment_refusals.fetch_add(1, std::memory_order_relaxed);
  decoder_.reset();
  parked_bytes_ = 0;
  session_->close(reason);
}

void client::on_packet(wsio::packet p) {
  if (p.type == wsio::packet_type::connect) return connect(std::move(p));
  const auto it = sockets_.find(p.nsp);
  // As the reference server: a packet for a namespace this client has not joined (or not yet:
  // its middleware still runs) ends the connection. The official clients never send one.
  if (it == sockets_.end()) return session_->close("invalid state");
  const std::shared_ptr<socket_impl> s = it->second;
  switch (p.type) {
    case wsio::packet_type::event: return s->on_event(std::move(p));
    case wsio::packet_type::ack: return s->on_ack(std::move(p));
    case wsio::packet_type::disconnect: return s->close("client namespace disconnect");
    default: return session_->close("invalid state");  // CONNECT_ERROR is the server's to send
  }
}

void client::connect(wsio::packet p) {
  if (session_->protocol() == 3) split_v2_query(p);
  // socket.io-client's connect() on a socket of a shared Manager, which already auto-connected,
  // sends a second CONNECT a moment after the first. The reference server closes the connection
  // when the first was admitted in between ("invalid state", a race its own client loses now and
  // then); here a CONNECT for a namespace joined or still in its middleware is ignored.
  if (sockets_.contains(p.nsp) || connecting_.contains(p.nsp)) return;
  namespace_ref nsp;
  if (!run_user_code(config_, {"namespace setup", "", "", p.nsp}, [&] { nsp = lookup_(p.nsp); })) {
    return refuse(p.nsp, {"Internal server error"});
  }
  if (!nsp.state) return refuse(p.nsp, {"Invalid namespace"});
  boost::json::object auth = p.data && p.data->is_object() ? std::move(p.data->as_object()) : boost::json::object{};
  auto state = nsp.state;
  auto s = std::make_shared<socket_impl>(std::move(nsp), session_, socket_id_for(*session_, state->name), make_correlation_id(),
                                         std::move(auth), session_->shard(), parser_);
  connecting_.insert(state->name);
  run_middleware(std::move(s), std::move(state), 0);
}

namespace {
// One middleware's call: next() counts once; a throw after it was called cancels what it posted.
struct middleware_step {
  std::atomic<bool> called{false};
  bool aborted = false;  // on the shard only
};
}  // namespace

// The server's middleware first, then the namespace's: `index` runs over both.
void client::run_middleware(std::shared_ptr<socket_impl> s, std::shared_ptr<namespace_state> nsp, std::size_t index) {
  if (closed_) return;
  const std::size_t server_wide = config_.middlewares.size();
  if (index == server_wide + nsp->middlewares.size()) return admit(std::move(s), nsp);
  // next() may come from any thread and at any time: it comes back to this shard, once.
  auto step = std::make_shared<middleware_step>();
  next_fn next = [weak = weak_from_this(), s, nsp, index, step](std::optional<connect_error> error) {
    if (step->called.exchange(true)) return;
    auto self = weak.lock();
    if (!self) return;
    boost::asio::post(self->session_->executor(), [self, s, nsp, index, step, error = std::move(error)] {
      if (self->closed_ || step->aborted) return;
      if (error) {
        self->connecting_.erase(nsp->name);
        return self->refuse(nsp->name, *error);
      }
      self->run_middleware(s, nsp, index + 1);
    });
  };
  const middleware& m = index < server_wide ? config_.middlewares[index] : nsp->middlewares[index - server_wide];
  if (!s->guarded("middleware", [&] { m(*s, std::move(next)); })) {
    step->aborted = true;
    step->called = true;  // a next() still to come is ignored
    connecting_.erase(nsp->name);
    refuse(nsp->name, {"Internal server error"});
  }
}

void client::admit(std::shared_ptr<socket_impl> s, const std::shared_ptr<namespace_state>& nsp) {
  connecting_.erase(nsp->name);
  connect_timer_.reset();  // cancels the wait
  if (!admitted_) {
    admitted_ = true;
    session_->mark_authenticated();  // ends the engine's pre-auth budget and timer for this session
  }
  s->on_closed = [weak = weak_from_this()](socket_impl& closed) {
    if (auto self = weak.lock()) self->sockets_.erase(closed.nsp());
  };
  sockets_.emplace(nsp->name, s);
  s->enter();
  for (const auto& hook : config_.connection_hooks) {
    if (!s->connected()) return;
    s->guarded_or_close("connection", [&] { hook(*s); });
  }
  if (nsp->on_connection && s->connected()) s->guarded_or_close("connection", [&] { nsp->on_connection(*s); });
}

void client::refuse(const std::string& nsp, const connect_error& error) {
  wsio::packet p;
  p.type = wsio::packet_type::connect_error;
  p.nsp = nsp;
  if (session_->protocol() == 3 && error.message != "Invalid namespace") {
    p.data = error.data.is_null() ? boost::json::value(error.message) : error.data;  // v2: the data, or the message
  } else {
    boost::json::object body{{"message", error.message}};
    if (!error.data.is_null()) body["data"] = error.data;
    p.data = std::move(body);
  }
  const auto shape = error.message == "Invalid namespace" ? wsio::msgpack_parser::shape::namespace_error
                                                          : wsio::msgpack_parser::shape::connect_error;
  wire::frame_ptr frame;
  if (!encode_packet(parser_, p, shape, frame)) session_->send(std::move(frame));
}

void client::on_close(std::string_view reason) {
  if (closed_) return;
  closed_ = true;
  connect_timer_.reset();
  decoder_.reset();
  auto sockets = std::move(sockets_);
  sockets_.clear();
  for (auto& [name, s] : sockets) s->close(reason);
}

void client::on_upgrade(observer& watcher) {
  const auto sockets = sockets_;  // held: the observer runs beside handlers that may close them
  for (const auto& [name, s] : sockets) {
    if (s->connected()) watcher.transport_upgraded(*s);
  }
}

}  // namespace switchboard::sio::detail
