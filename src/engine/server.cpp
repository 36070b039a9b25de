#include "switchboard/engine/server.hpp"

#include <boost/asio/post.hpp>
#include <unordered_map>

#include "errors.hpp"
#include "query.hpp"
#include "request_decision.hpp"
#include "relay.hpp"
#include "session_id.hpp"
#include "server_state.hpp"
#include "session_impl.hpp"
#include "switchboard/wire/engineio_v3.hpp"
#include "switchboard/engine/cors.hpp"
#include "switchboard/log/log.hpp"

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
  static constexpr std::array<std::string_view, 4> keys{"EIO", "transport", "sid", "j"};
  auto [eio, transport, sid, jsonp] = detail::query_params(req.target(), keys);
  if (jsonp) return error_code::unknown_transport;  // JSONP polling (v3 clients without XHR): not served
  if (transport == "polling" && o.allow_polling) {
    out.transport = transport_kind::polling;
  } else if (transport == "websocket" && o.allow_websocket) {
    out.transport = transport_kind::websocket;
  } else {
    return error_code::unknown_transport;
  }
  // The reference takes anything but EIO=4 for 3; only EIO=3 is 3 here, so that a missing or
  // invalid EIO is still refused with allow_eio3 (as the protocol's test suite asks).
  if (eio != "4" && !(eio == "3" && o.allow_eio3)) return error_code::unsupported_protocol_version;
  out.sid = std::move(sid);
  return std::nullopt;
}

// What an unauthenticated session holds: its handshake request (headers and target, the body is
// dropped) and the session itself.
std::size_t handshake_cost(const http::request& req) noexcept {
  std::size_t bytes = sizeof(session_impl) + req.target().size();
  for (const auto& field : req) bytes += field.name_string().size() + field.value().size() + 4;
  return bytes;
}

}  // namespace

server::server(http::shard_pool& shards, options opts, std::shared_ptr<handler> h)
    : shards_(shards), state_(std::make_shared<detail::server_state>(std::move(opts), std::move(h), shards.size())) {
  if (shards_.size() > detail::max_shards) throw std::invalid_argument("engine: at most 64 shards");
  if (const auto& directory = state_->opts.cluster.directory) {
    if (!detail::valid_node_id(directory->node_id())) {
      throw std::invalid_argument("engine: a node id is 1 to 16 characters of [A-Za-z0-9_-]");
    }
    relay_ = std::make_unique<http::relay_pool>(shards_, detail::relay_options_for(state_->opts));
  }
  for (std::size_t i = 0; i < shards_.size(); ++i) registries_.push_back(std::make_unique<session_registry>());
}

server::~server() = default;

std::shared_ptr<server> server::attach(http::server& http, options opts, std::shared_ptr<handler> h) {
  auto s = std::make_shared<server>(http.shards(), std::move(opts), std::move(h));
  http.mount(s->opts().path, s);
  return s;
}

const options& server::opts() const noexcept { return state_->opts; }
std::size_t server::session_count() const noexcept { return state_->session_count.load(std::memory_order_relaxed); }
std::size_t server::polling_sessions() const noexcept { return state_->polling_sessions.load(std::memory_order_relaxed); }
std::size_t server::waiting_polls() const noexcept { return state_->waiting_polls.load(std::memory_order_relaxed); }
std::size_t server::unauthenticated_sessions() const noexcept {
  return state_->unauthenticated_sessions.load(std::memory_order_relaxed);
}
std::size_t server::unauthenticated_bytes() const noexcept {
  return state_->unauthenticated_bytes.load(std::memory_order_relaxed);
}

http::websocket_options server::websocket() const noexcept {
  return {.max_message_size = opts().max_payload, .per_message_deflate = opts().per_message_deflate};
}

void server::on_request(http::exchange_ptr ex) {
  const http::request& req = ex->req();
  const options& o = opts();
  if (!origin_allowed(o.cors, req)) {
    return ex->respond(detail::error_response(req, error_code::forbidden));
  }
  if (req.method() == bh::verb::options) return ex->respond(preflight_response(req));

  handshake_query query;
  if (auto error = check_query(o, req, query)) return ex->respond(detail::error_response(req, *error));
  if (!query.sid) {
    if (req.method() != bh::verb::get) return ex->respond(detail::error_response(req, error_code::bad_handshake_method));
    if (query.transport != transport_kind::polling) return ex->respond(detail::error_response(req, error_code::bad_request));
    return handshake(std::move(ex));
  }
  const auto owner = detail::owner_of_session_id(*query.sid);
  if (!owner) return ex->respond(detail::error_response(req, error_code::unknown_sid));
  if (owner->node != state_->node_id) return relay(std::move(ex), std::string(owner->node));
  if (owner->shard >= shards_.size()) return ex->respond(detail::error_response(req, error_code::unknown_sid));
  // Hop to the shard that owns the session; the answer goes back through the exchange.
  boost::asio::post(shards_.shard(owner->shard), [self = shared_from_this(), ex = std::move(ex), owner = owner->shard,
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
  const options& o = opts();
  if (!origin_allowed(o.cors, req)) {
    return upgrade->refuse(detail::error_response(req, error_code::forbidden));
  }
  handshake_query query;
  if (auto error = check_query(o, req, query)) return upgrade->refuse(detail::error_response(req, *error));
  if (query.transport != transport_kind::websocket) {
    return upgrade->refuse(detail::error_response(req, error_code::bad_request));
  }
  if (!query.sid) return handshake(std::move(upgrade));
  const auto owner = detail::owner_of_session_id(*query.sid);
  if (!owner) return upgrade->refuse(detail::error_response(req, error_code::unknown_sid));
  if (owner->node != state_->node_id) return relay(std::move(upgrade), std::string(owner->node));
  if (owner->shard >= shards_.size()) return upgrade->refuse(detail::error_response(req, error_code::unknown_sid));
  boost::asio::post(shards_.shard(owner->shard), [self = shared_from_this(), upgrade = std::move(upgrade), owner = owner->shard,
                                            sid = std::move(*query.sid)]() mutable {
    auto s = self->find(owner, sid);
    if (!s) return upgrade->refuse(detail::error_response(upgrade->req(), error_code::unknown_sid));
    s->on_upgrade(std::move(upgrade));
  });
}

// The limits of a new session: its client address's, then the unauthenticated budget.
std::optional<server::admission> server::admit(const http::request& req, const boost::asio::ip::tcp::endpoint& remote,
                                               std::size_t shard, http::response& refusal) {
  auto& state = *state_;
  auto& traffic = state.traffic[shard];
  admission a{detail::client_address(req, remote, state.opts.clients.trust_proxy), handshake_cost(req)};
  switch (state.clients.admit(a.client, detail::client_limiter::clock::now())) {
    case detail::client_limiter::verdict::admitted: break;
    case detail::client_limiter::verdict::too_many_sessions:
      traffic.refused_address_sessions.fetch_add(1, std::memory_order_relaxed);
      refusal = detail::refusal_response(req, bh::status::too_many_requests, "Too many requests");
      return std::nullopt;
    case detail::client_limiter::verdict::rate_limited:
      traffic.refused_handshake_rate.fetch_add(1, std::memory_order_relaxed);
      refusal = detail::refusal_response(req, bh::status::too_many_requests, "Too many requests");
      return std::nullopt;
  }
  if (!state.acquire_unauthenticated(a.cost)) {
    state.clients.release(a.client);
    traffic.refused_unauthenticated.fetch_add(1, std::memory_order_relaxed);
    refusal = detail::refusal_response(req, bh::status::service_unavailable, "Server busy");
    return std::nullopt;
  }
  return a;
}

// A polling handshake: the session lives on the shard whose thread received the request.
void server::handshake(http::exchange_ptr ex) {
  http::response refusal;
  const auto admitted = admit(ex->req(), ex->remote(), ex->shard(), refusal);
  if (!admitted) return ex->respond(std::move(refusal));
  if (!opts().allow_request) return open_polling(ex, *admitted);
  decide(
      ex->shard(), ex->req(), ex->remote(), *admitted, [this, ex, a = *admitted] { open_polling(ex, a); },
      [ex](http::response refusal) { ex->respond(std::move(refusal)); });
}

// A WebSocket handshake without sid: the open packet is the channel's first message.
void server::handshake(http::websocket_upgrade_ptr upgrade) {
  http::response refusal;
  const auto admitted = admit(upgrade->req(), upgrade->remote(), upgrade->shard(), refusal);
  if (!admitted) return upgrade->refuse(std::move(refusal));
  if (!opts().allow_request) return open_websocket(upgrade, *admitted);
  decide(
      upgrade->shard(), upgrade->req(), upgrade->remote(), *admitted,
      [this, upgrade, a = *admitted] { open_websocket(upgrade, a); },
      [upgrade](http::response refusal) { upgrade->refuse(std::move(refusal)); });
}

void server::decide(std::size_t shard, const http::request& req, const boost::asio::ip::tcp::endpoint& remote,
                    const admission& a, std::function<void()> open, std::function<void(http::response)> refuse) {
  const auto& allow_request = opts().allow_request;
  // The answer may come from any thread: it hops back to the shard, where the engine still is
  // (the lambdas' `this`) unless it has been destroyed in the meantime.
  auto finish = [weak = weak_from_this(), executor = shards_.shard(shard).get_executor(), shard, req = &req, a,
                 open = std::move(open), refuse = std::move(refuse)](std::optional<std::string> refusal) mutable {
    boost::asio::post(executor, [weak, shard, req, a, open = std::move(open), refuse = std::move(refuse),
                                 refusal = std::move(refusal)] {
      const auto self = weak.lock();
      if (!self) return;
      if (!refusal) return open();
      self->state_->clients.release(a.client);
      self->state_->release_unauthenticated(a.cost);
      self->state_->traffic[shard].refused_allow_request.fetch_add(1, std::memory_order_relaxed);
      refuse(detail::refusal_response(*req, bh::status::forbidden, *refusal));
    });
  };
  const request_decision decision = detail::make_request_decision(std::move(finish));
  try {
    allow_request(req, remote, decision);
  } catch (const std::exception& e) {
    log::warn("allow_request threw: the handshake is refused", {{"error", e.what()}});
    decision.refuse();
  } catch (...) {
    log::warn("allow_request threw: the handshake is refused", {{"error", "unknown exception"}});
    decision.refuse();
  }
}

void server::open_polling(const http::exchange_ptr& ex, const admission& a) {
  const std::size_t shard = ex->shard();
  auto s = std::make_shared<session_impl>(state_, weak_from_this(), detail::make_session_id(shard, state_->node_id), shard,
                                          shards_.shard(shard), handshake_request(ex->req()), ex->remote(), a.client, a.cost,
                                          transport_kind::polling, detail::client_protocol_of(ex->req().target()));
  register_session(s);
  std::string open = "0" + s->open_packet();
  if (s->protocol() == 3) {
    const std::array packets{wire::eio::packet{wire::eio::packet_type::open, false, open.substr(1)}};
    open = wire::eio::v3::encode_payload(packets);
  }
  http::response res = http::make_response(ex->req(), bh::status::ok, std::move(open));
  add_cors_headers(ex->req(), res);
  ex->respond(std::move(res));
  s->start_polling();
  state_->handler->on_open(s);
}

void server::open_websocket(const http::websocket_upgrade_ptr& upgrade, const admission& a) {
  const std::size_t shard = upgrade->shard();
  auto s = std::make_shared<session_impl>(state_, weak_from_this(), detail::make_session_id(shard, state_->node_id), shard,
                                          shards_.shard(shard), handshake_request(upgrade->req()), upgrade->remote(), a.client, a.cost,
                                          transport_kind::websocket, detail::client_protocol_of(upgrade->req().target()));
  register_session(s);
  s->start_websocket(upgrade);
  state_->handler->on_open(s);
}

void server::register_session(std::shared_ptr<session_impl> s) {
  state_->session_count.fetch_add(1, std::memory_order_relaxed);
  state_->traffic[s->shard()].sessions_opened.fetch_add(1, std::memory_order_relaxed);
  if (s->transport() == transport_kind::polling) state_->polling_sessions.fetch_add(1, std::memory_order_relaxed);
  registries_[s->shard()]->sessions.emplace(s->id(), std::move(s));
}

// The session's end() has already left the counts; this only forgets it.
void server::unregister_session(const session_impl& s) { registries_[s.shard()]->sessions.erase(s.id()); }

std::shared_ptr<session_impl> server::find(std::size_t shard, const std::string& sid) const {
  const auto& sessions = registries_[shard]->sessions;
  const auto it = sessions.find(sid);
  return it == sessions.end() ? nullptr : it->second;
}

server::traffic server::traffic_totals() const noexcept {
  traffic total;
  std::int64_t queued = 0;
  constexpr auto relaxed = std::memory_order_relaxed;
  for (std::size_t i = 0; i < shards_.size(); ++i) {
    const auto& t = state_->traffic[i];
    total.bytes_in += t.bytes_in.load(relaxed);
    total.bytes_out += t.bytes_out.load(relaxed);
    total.sessions_opened += t.sessions_opened.load(relaxed);
    total.messages_in += t.messages_in.load(relaxed);
    total.messages_out += t.messages_out.load(relaxed);
    total.dropped += t.dropped.load(relaxed);
    total.overflows += t.overflows.load(relaxed);
    total.byte_overflows += t.byte_overflows.load(relaxed);
    queued += t.queued_bytes.load(relaxed);
    total.refused_address_sessions += t.refused_address_sessions.load(relaxed);
    total.refused_handshake_rate += t.refused_handshake_rate.load(relaxed);
    total.refused_unauthenticated += t.refused_unauthenticated.load(relaxed);
    total.refused_allow_request += t.refused_allow_request.load(relaxed);
    total.pre_auth_timeouts += t.pre_auth_timeouts.load(relaxed);
    total.probe_abuse += t.probe_abuse.load(relaxed);
    total.relayed_requests += t.relayed_requests.load(relaxed);
    total.relayed_upgrades += t.relayed_upgrades.load(relaxed);
    total.relay_owner_gone += t.relay_owner_gone.load(relaxed);
  }
  if (relay_) total.relay = relay_->stats();
  total.queued_bytes = static_cast<std::uint64_t>(std::max<std::int64_t>(queued, 0));
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
