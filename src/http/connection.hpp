#pragma once
// One HTTP/1.1 connection on one shard: reads requests with limits, hands them to their route,
// writes the answers in order (keep-alive), or turns into a WebSocket on an upgrade.
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <atomic>
#include <optional>

#include "linger.hpp"
#include "router.hpp"
#include "switchboard/http/server.hpp"
#include "raw_websocket_session.hpp"
#include "websocket_session.hpp"

namespace switchboard::http::detail {

template <class Stream>
class connection : public std::enable_shared_from_this<connection<Stream>> {
 public:
  connection(Stream stream, const router& routes, const server_options& options, std::size_t shard,
             boost::asio::ip::tcp::endpoint remote)
      : stream_(std::move(stream)), routes_(routes), options_(options), shard_(shard), remote_(remote) {}

  // Plain TCP starts reading at once; TLS shakes hands first.
  void run() {
    if constexpr (requires(Stream& s) { s.next_layer(); }) {
      boost::beast::get_lowest_layer(stream_).expires_after(options_.idle_timeout);
      stream_.async_handshake(boost::asio::ssl::stream_base::server,
                              [self = this->shared_from_this()](boost::beast::error_code ec) {
                                if (ec) return self->shutdown();
                                self->do_read_header();
                              });
    } else {
      do_read_header();
    }
  }

  // Called through an exchange, from any thread: writes the answer on this connection's shard.
  void post_response(response res) {
    boost::asio::post(stream_.get_executor(), [self = this->shared_from_this(), res = std::move(res)]() mutable {
      self->do_write(std::move(res));
    });
  }

  template <class Session>
  void post_upgrade(std::shared_ptr<Session> session, request req) {
    boost::asio::post(stream_.get_executor(), [self = this->shared_from_this(), session, req = std::move(req)]() mutable {
      session->begin(std::move(self->stream_), std::move(req));
    });
  }

  auto executor() { return stream_.get_executor(); }
  std::size_t shard() const noexcept { return shard_; }
  const boost::asio::ip::tcp::endpoint& remote() const noexcept { return remote_; }

 private:
  class connection_exchange;
  class connection_upgrade;

  void do_read_header() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(options_.header_limit));
    parser_->body_limit(boost::none);  // the route's own limit applies once the header is read
    boost::beast::get_lowest_layer(stream_).expires_after(options_.idle_timeout);
    boost::beast::http::async_read_header(
        stream_, buffer_, *parser_, [self = this->shared_from_this()](boost::beast::error_code ec, std::size_t) {
          self->on_read_header(ec);
        });
  }

  void on_read_header(boost::beast::error_code ec) {
    namespace bh = boost::beast::http;
    if (ec == bh::error::header_limit) {
      return do_write(error_response(bh::status::request_header_fields_too_large), true);
    }
    if (ec) return shutdown();
    route* r = routes_.find(parser_->get().target());
    if (r && boost::beast::websocket::is_upgrade(parser_->get())) {
      auto upgrade = std::make_shared<connection_upgrade>(this->shared_from_this(), parser_->release(), r->websocket());
      return r->on_websocket(std::move(upgrade));
    }
    const std::size_t limit = r ? r->body_limit() : options_.body_limit;
    if (const auto length = parser_->content_length(); length && *length > limit) {
      return do_write(error_response(bh::status::payload_too_large), true);
    }
    parser_->body_limit(limit);
    bh::async_read(stream_, buffer_, *parser_,
                   [self = this->shared_from_this(), r](boost::beast::error_code ec, std::size_t) {
                     self->on_read_body(ec, r);
                   });
  }

  void on_read_body(boost::beast::error_code ec, route* r) {
    namespace bh = boost::beast::http;
    if (ec == bh::error::body_limit) return do_write(error_response(bh::status::payload_too_large), true);
    if (ec) return shutdown();
    // The answer may take long (a long-polling GET): no idle timeout while the route holds it.
    boost::beast::get_lowest_layer(stream_).expires_never();
    auto ex = std::make_shared<connection_exchange>(this->shared_from_this(), parser_->release());
    if (!r) return ex->respond(make_response(ex->req(), bh::status::not_found, "Not Found"));
    r->on_request(std::move(ex));
  }

  response error_response(boost::beast::http::status status) {
    response res{status, 11};
    res.set(boost::beast::http::field::content_type, "text/plain; charset=UTF-8");
    res.body() = std::string(boost::beast::http::obsolete_reason(status));
    res.keep_alive(false);
    res.prepare_payload();
    return res;
  }

  void do_write(response res, bool close_after = false) {
    auto message = std::make_shared<response>(std::move(res));
    const bool keep_alive = message->keep_alive() && !close_after;
    boost::beast::get_lowest_layer(stream_).expires_after(options_.idle_timeout);
    boost::beast::http::async_write(
        stream_, *message,
        [self = this->shared_from_this(), message, keep_alive](boost::beast::error_code ec, std::size_t) {
          if (ec || !keep_alive) return self->shutdown();
          self->do_read_header();
        });
  }

  void shutdown() { linger_close(std::move(boost::beast::get_lowest_layer(stream_).socket())); }

  Stream stream_;
  const router& routes_;
  const server_options& options_;
  std::size_t shard_;
  boost::asio::ip::tcp::endpoint remote_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
};

template <class Stream>
class connection<Stream>::connection_exchange final : public exchange {
 public:
  connection_exchange(std::shared_ptr<connection> conn, request req)
      : conn_(std::move(conn)), req_(std::move(req)) {}

  const request& req() const noexcept override { return req_; }
  const boost::asio::ip::tcp::endpoint& remote() const noexcept override { return conn_->remote(); }
  std::size_t shard() const noexcept override { return conn_->shard(); }

  void respond(response res) override {
    if (answered_.exchange(true)) return;
    conn_->post_response(std::move(res));
  }

 private:
  std::shared_ptr<connection> conn_;
  request req_;
  std::atomic<bool> answered_{false};
};

template <class Stream>
class connection<Stream>::connection_upgrade final : public websocket_upgrade {
 public:
  connection_upgrade(std::shared_ptr<connection> conn, request req, websocket_options options)
      : conn_(std::move(conn)), req_(std::move(req)), options_(options) {}

  const request& req() const noexcept override { return req_; }
  const boost::asio::ip::tcp::endpoint& remote() const noexcept override { return conn_->remote(); }
  std::size_t shard() const noexcept override { return conn_->shard(); }

  websocket_channel_ptr accept(message_handler on_message, closed_handler on_closed) override {
    if (answered_.exchange(true)) return nullptr;
    if (options_.per_message_deflate) {
      auto session = std::make_shared<websocket_session<Stream>>(conn_->executor(), options_, std::move(on_message),
                                                                 std::move(on_closed));
      conn_->post_upgrade(session, req_);
      return session;
    }
    auto session = std::make_shared<raw_websocket_session<Stream>>(conn_->executor(), options_, std::move(on_message),
                                                                   std::move(on_closed));
    conn_->post_upgrade(session, req_);
    return session;
  }

  void refuse(response res) override {
    if (answered_.exchange(true)) return;
    res.keep_alive(false);
    conn_->post_response(std::move(res));
  }

 private:
  std::shared_ptr<connection> conn_;
  request req_;
  websocket_options options_;
  std::atomic<bool> answered_{false};
};

}  // namespace switchboard::http::detail
