#include "switchboard/engine/server.hpp"

#include <boost/asio/post.hpp>
#include <unordered_map>

#include "errors.hpp"
#include "query.hpp"
#include "session_id.hpp"
#include "session_impl.hpp"
#include "switchboard/engine/cors.hpp"

namespace switchboard::engine {

namespace bh = boost::beast::http;
using detail::error_code;

// The sessions one shard owns. Touched only on that shard's thread.
class session_registry {
 public:
  std::unordered_map<std::string, std::shared_ptr<session_impl>> sessions;
};

namespace {

struct handshake_query {
  std::optional<std::string> sid;
  transport_kind transport{};
};

// Checks what every Engine.IO request must carry, in the reference server's order.
std::optional<error_code> check_query(const options& o, const http::request& req, handshake_query& out) {
  const auto eio = detail::query_param(req.target(), "EIO");
  const auto transport = detail::query_param(req.target(), "transport");
  if (transport == "polling" && o.allow_polling) {
    out.transport = transport_kind::polling;
  } else if (transport == "websocket" && o.allow_websocket) {
    out.transport = transport_kind::websocket;
  } else {
    return error_code::unknown_transport;
  }
  if (eio != "4") return error_code::unsupported_protocol_version;
  out.sid = detail::query_param(req.target(), "sid");
  return std::nullopt;
}

std::optional<std::string_view> origin_of(const http::request& req) {
  const auto it = req.find(bh::field::origin);
  if (it == req.end()) return std::nullopt;
  return std::string_view(it->value().data(), it->value().size());
}

}  // namespace

server::server(http::shard_pool& shards, options opts, std::shared_ptr<handler> h)
    : shards_(shards), options_(std::move(opts)), handler_(std::move(h)) {
  if (shards_.size() > detail::max_shards) throw std::invalid_argument("engine: at most 64 shards");
  for (std::size_t i = 0; i < shards_.size(); ++i) registries_.push_back(std::make_unique<session_registry>());
  traffic_ = std::make_unique<shard_traffic[]>(shards_.size());
}

server::~server() = default;

std::shared_ptr<server> server::attach(http::server& http, options opts, std::shared_ptr<handler> h) {
  auto s = std::make_shared<server>(http.shards(), std::move(opts), std::move(h));
  http.mount(s->options_.path, s);
  return s;
}

http::websocket_options server::websocket() const noexcept {
  return {.max_message_size = options_.max_payload, .per_message_deflate = options_.per_message_deflate};
}

void server::on_request(http::exchange_ptr ex) {
  const http::request& req = ex->req();
  if (!origin_allowed(options_.cors, origin_of(req))) {
    return ex->respond(detail::error_response(req, error_code::forbidden));
  }
  if (req.method() == bh::verb::options) return ex->respond(preflight_response(req));

  handshake_query query;
  if (auto error = check_query(options_, req, query)) return ex->respond(detail::error_response(req, *error));
  if (!query.sid) {
    if (req.method() != bh::verb::get) return ex->respond(detail::error_response(req, error_code::bad_handshake_method));
    if (query.transport != transport_kind::polling) return ex->respond(detail::error_response(req, error_code::bad_request));
    return handshake(std::move(ex));
  }
  const auto owner = detail::shard_of_session_id(*query.sid);
  if (!owner || *owner >= shards_.size()) return ex->respond(detail::error_response(req, error_code::unknown_sid));
  // Hop to the shard that owns the session; the answer goes back through the exchange.
  boost::asio::post(shards_.shard(*owner), [self = shared_from_this(), ex = std::move(ex), owner = *owner,
                                            sid = std::move(*query.sid), transport = query.transport]() mutable {
    auto s = self->find(owner, sid);
    if (!s) return ex->respond(detail::error_response(ex->req(), error_code::unknown_sid));
    if (transport != transport_kind::polling || s->transport() != transport_kind::polling) {
      return ex->respond(detail::error_response(ex->req(), error_code::bad_request));
    }
    const bh::verb method = ex->req().method();
    if (method == bh::verb::get) return s->on_poll(std::move(ex));
    if (method == bh::verb::post) return s->on_post(std::move(ex));
    ex->respond(detail::error_response(ex->req(), error_code::bad_request));
  });
}

void server::on_websocket(http::websocket_upgrade_ptr upgrade) {
  const http::request& req = upgrade->req();
  if (!origin_allowed(options_.cors, origin_of(req))) {
    return upgrade->refuse(detail::error_response(req, error_code::forbidden));
  }
  handshake_query query;
  if (auto error = check_query(options_, req, query)) return upgrade->refuse(detail::error_response(req, *error));
  if (query.transport != transport_kind::websocket) {
    return upgrade->refuse(detail::error_response(req, error_code::bad_request));
  }
  if (!query.sid) return handshake(std::move(upgrade));
  const auto owner = detail::shard_of_session_id(*query.sid);
  if (!owner || *owner >= shards_.size()) return upgrade->refuse(detail::error_response(req, error_code::unknown_sid));
  boost::asio::post(shards_.shard(*owner), [self = shared_from_this(), upgrade = std::move(upgrade), owner = *owner,
                                            sid = std::move(*query.sid)]() mutable {
    auto s = self->find(owner, sid);
    if (!s) return upgrade->refuse(detail::error_response(upgrade->req(), error_code::unknown_sid));
    s->on_upgrade(std::move(upgrade));
  });
}

// A polling handshake: the session lives on the shard whose thread received the request.
void server::handshake(http::exchange_ptr ex) {
  const std::size_t shard = ex->shard();
  auto s = std::make_shared<session_impl>(shared_from_this(), detail::make_session_id(shard), shard,
                                          shards_.shard(shard), ex->req(), ex->remote(), transport_kind::polling);
  register_session(s);
  std::string open = "0" + s->open_packet();
  http::response res = http::make_response(ex->req(), bh::status::ok, std::move(open));
  add_cors_headers(ex->req(), res);
  ex->respond(std::move(res));
  s->start_polling();
  handler_->on_open(s);
}

// A WebSocket handshake without sid: the open packet is the channel's first message.
void server::handshake(http::websocket_upgrade_ptr upgrade) {
  const std::size_t shard = upgrade->shard();
  auto s = std::make_shared<session_impl>(shared_from_this(), detail::make_session_id(shard), shard,
                                          shards_.shard(shard), upgrade->req(), upgrade->remote(),
                                          transport_kind::websocket);
  register_session(s);
  s->start_websocket(upgrade);
  handler_->on_open(s);
}

void server::register_session(std::shared_ptr<session_impl> s) {
  session_count_.fetch_add(1, std::memory_order_relaxed);
  registries_[s->shard()]->sessions.emplace(s->id(), std::move(s));
}

void server::unregister_session(const session_impl& s) {
  if (registries_[s.shard()]->sessions.erase(s.id()) > 0) session_count_.fetch_sub(1, std::memory_order_relaxed);
}

std::shared_ptr<session_impl> server::find(std::size_t shard, const std::string& sid) const {
  const auto& sessions = registries_[shard]->sessions;
  const auto it = sessions.find(sid);
  return it == sessions.end() ? nullptr : it->second;
}

server::traffic server::traffic_totals() const noexcept {
  traffic total;
  for (std::size_t i = 0; i < shards_.size(); ++i) {
    total.bytes_in += traffic_[i].bytes_in.load(std::memory_order_relaxed);
    total.bytes_out += traffic_[i].bytes_out.load(std::memory_order_relaxed);
    total.dropped += traffic_[i].dropped.load(std::memory_order_relaxed);
    total.overflows += traffic_[i].overflows.load(std::memory_order_relaxed);
  }
  return total;
}

void server::close_all(std::chrono::milliseconds grace) {
  for (std::size_t i = 0; i < shards_.size(); ++i) {
    boost::asio::post(shards_.shard(i), [self = shared_from_this(), i, grace] {
      // Copy first: each close unregisters itself.
      std::vector<std::shared_ptr<session_impl>> open;
      for (const auto& [id, s] : self->registries_[i]->sessions) open.push_back(s);
      for (const auto& s : open) s->close_within("server shutting down", grace);
    });
  }
}

}  // namespace switchboard::engine
