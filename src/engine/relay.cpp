#include "relay.hpp"

#include "errors.hpp"
#include "server_state.hpp"
#include "switchboard/engine/server.hpp"

namespace switchboard::engine {

namespace bh = boost::beast::http;
using detail::error_code;

namespace detail {

http::relay_options relay_options_for(const options& o) {
  http::relay_options relay = o.cluster.relay;
  const auto held = o.ping_interval + o.ping_timeout + std::chrono::seconds(5);
  relay.exchange_timeout = std::max(relay.exchange_timeout, std::chrono::duration_cast<std::chrono::milliseconds>(held));
  return relay;
}

}  // namespace detail

namespace {

bool already_relayed(const http::request& req) { return req.find(detail::relayed_header) != req.end(); }

http::request marked(const http::request& req) {
  http::request forwarded = req;
  forwarded.set(detail::relayed_header, "1");
  return forwarded;
}

}  // namespace

void server::relay(http::exchange_ptr ex, const std::string& owner) {
  if (!relay_ || already_relayed(ex->req())) return ex->respond(detail::error_response(ex->req(), error_code::unknown_sid));
  state_->opts.cluster.directory->locate(owner, [self = shared_from_this(), ex = std::move(ex)](
                                                    std::optional<boost::asio::ip::tcp::endpoint> at) mutable {
    auto& traffic = self->state_->traffic[ex->shard()];
    if (!at) {
      traffic.relay_owner_gone.fetch_add(1, std::memory_order_relaxed);
      return ex->respond(detail::error_response(ex->req(), error_code::unknown_sid));
    }
    traffic.relayed_requests.fetch_add(1, std::memory_order_relaxed);
    self->relay_->forward(ex->shard(), *at, marked(ex->req()), [ex](http::relay_outcome outcome, http::response res) {
      switch (outcome) {
        case http::relay_outcome::answered:
          res.keep_alive(ex->req().keep_alive());
          return ex->respond(std::move(res));
        case http::relay_outcome::unreachable:  // the owner is gone: the client reconnects
          return ex->respond(detail::error_response(ex->req(), error_code::unknown_sid));
        case http::relay_outcome::busy:
          return ex->respond(detail::refusal_response(ex->req(), bh::status::service_unavailable, "Server busy"));
        case http::relay_outcome::failed:
          return ex->respond(detail::refusal_response(ex->req(), bh::status::bad_gateway, "Bad gateway"));
      }
    });
  });
}

void server::relay(http::websocket_upgrade_ptr upgrade, const std::string& owner) {
  if (!relay_ || already_relayed(upgrade->req())) {
    return upgrade->refuse(detail::error_response(upgrade->req(), error_code::unknown_sid));
  }
  state_->opts.cluster.directory->locate(owner, [self = shared_from_this(), upgrade = std::move(upgrade)](
                                                    std::optional<boost::asio::ip::tcp::endpoint> at) mutable {
    auto& traffic = self->state_->traffic[upgrade->shard()];
    const auto unknown = detail::error_response(upgrade->req(), error_code::unknown_sid);
    if (!at) {
      traffic.relay_owner_gone.fetch_add(1, std::memory_order_relaxed);
      return upgrade->refuse(unknown);
    }
    traffic.relayed_upgrades.fetch_add(1, std::memory_order_relaxed);
    upgrade->tunnel(*at, marked(upgrade->req()), unknown);
  });
}

}  // namespace switchboard::engine
