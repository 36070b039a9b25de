#pragma once
// One HTTP/1.1 connection on one shard: reads requests with limits, hands them to their route,
// writes the answers in order (keep-alive), or turns into a WebSocket on an upgrade. Strict about
// framing (RFC 9112 section 6): a Transfer-Encoding other than exactly `chunked`, or one beside a
// Content-Length, is refused and the connection closed, so no body bytes run as a request.
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <atomic>
#include <optional>
#include <sstream>

#include "connection_limits.hpp"
#include "linger.hpp"
#include "router.hpp"
#include "switchboard/http/server.hpp"
#include "streams.hpp"
#include "tunnel.hpp"
#include "upgrade_session.hpp"

namespace switchboard::http::detail {

template <class Stream>
class connection : public std::enable_shared_from_this<connection<Stream>> {
 public:
  // The stream is built in place from `stream_args`: a Beast stream's move allocates its state anew.
  template <class... StreamArgs>
  connection(const router& routes, const server_options& options, std::size_t shard,
             boost::asio::ip::tcp::endpoint remote, connection_slot_ptr slot, StreamArgs&&... stream_args)
      : stream_(std::forward<StreamArgs>(stream_args)...),
        routes_(routes),
        options_(options),
        shard_(shard),
        remote_(remote),
        slot_(std::move(slot)) {}

  // Plain TCP starts reading at once; TLS shakes hands first.
  void run() {
    if constexpr (requires(Stream& s) { s.next_layer(); }) {
      boost::beast::get_lowest_layer(stream_).expires_after(header_deadline());
      stream_.async_handshake(boost::asio::ssl::stream_base::server,
                              [self = this->shared_from_this()](boost::beast::error_code ec) {
                                if (ec == boost::beast::error::timeout) counters::bump(self->slot_->stats().header_timeouts);
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

  void post_upgrade(upgrade_session_ptr<Stream> session, request req) {
    boost::asio::post(stream_.get_executor(), [self = this->shared_from_this(), session, req = std::move(req)]() mutable {
      session->begin(std::move(self->stream_), std::move(req), self->slot_);
    });
  }

  // Connects to `target`, then hands the stream to a tunnel that sends `forwarded` first (and the
  // bytes the client sent past it); or answers `if_unreachable`.
  void post_tunnel(boost::asio::ip::tcp::endpoint target, request forwarded, response if_unreachable) {
    boost::asio::post(stream_.get_executor(), [self = this->shared_from_this(), target, forwarded = std::move(forwarded),
                                               if_unreachable = std::move(if_unreachable)]() mutable {
      auto owner = std::make_shared<boost::beast::tcp_stream>(self->stream_.get_executor());
      owner->expires_after(tunnel_connect_timeout);
      owner->async_connect(target, [self, owner, forwarded = std::move(forwarded),
                                    if_unreachable = std::move(if_unreachable)](boost::beast::error_code ec) mutable {
        if (ec) return self->do_write(std::move(if_unreachable), true);
        std::ostringstream preamble;
        preamble << forwarded;
        const auto pending = self->buffer_.data();  // bytes the client sent past its request
        preamble.write(static_cast<const char*>(pending.data()), static_cast<std::streamsize>(pending.size()));
        std::make_shared<tunnel<Stream>>(std::move(self->stream_), std::move(*owner), self->slot_)->start(preamble.str());
      });
    });
  }

  auto executor() { return stream_.get_executor(); }
  std::size_t shard() const noexcept { return shard_; }
  const boost::asio::ip::tcp::endpoint& remote() const noexcept { return remote_; }

 private:
  class connection_exchange;
  class connection_upgrade;

  static constexpr std::chrono::seconds tunnel_connect_timeout{2};

  std::chrono::milliseconds header_deadline() const noexcept {
    return std::min(options_.header_timeout, options_.idle_timeout);
  }

  void do_read_header() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(options_.header_limit));
    parser_->body_limit(boost::none);  // the route's own limit applies once the header is read
    boost::beast::get_lowest_layer(stream_).expires_after(header_deadline());
    boost::beast::http::async_read_header(
        stream_, buffer_, *parser_, [self = this->shared_from_this()](boost::beast::error_code ec, std::size_t) {
          self->on_read_header(ec);
        });
  }

  void on_read_header(boost::beast::error_code ec) {
    namespace bh = boost::beast::http;
    head_ = false;
    slot_->header_done();
    if (ec == bh::error::header_limit) {
      return do_write(error_response(bh::status::request_header_fields_too_large), true);
    }
    if (ec == bh::error::bad_transfer_encoding || ec == bh::error::bad_content_length) {
      counters::bump(slot_->stats().framing_refused);
      return do_write(error_response(bh::status::bad_request), true);
    }
    if (ec == boost::beast::error::timeout) counters::bump(slot_->stats().header_timeouts);
    if (ec) return shutdown();
    if (const auto refused = framing_refusal(parser_->get())) {
      counters::bump(slot_->stats().framing_refused);
      return do_write(error_response(*refused), true);
    }
    head_ = parser_->get().method() == bh::verb::head;
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

  // RFC 9112 6.1 and 6.3: the only transfer coding accepted is a single `chunked` (a request
  // body is never compressed in transit), on HTTP/1.1, without a Content-Length beside it.
  static std::optional<boost::beast::http::status> framing_refusal(const request& req) {
    namespace bh = boost::beast::http;
    const auto codings = req.equal_range(bh::field::transfer_encoding);
    if (codings.first == codings.second) return std::nullopt;
    if (req.version() < 11 || req.count(bh::field::content_length) != 0) return bh::status::bad_request;
    if (std::next(codings.first) != codings.second) return bh::status::not_implemented;
    std::string_view coding = codings.first->value();
    while (!coding.empty() && (coding.front() == ' ' || coding.front() == '\t')) coding.remove_prefix(1);
    while (!coding.empty() && (coding.back() == ' ' || coding.back() == '\t')) coding.remove_suffix(1);
    if (!boost::beast::iequals(coding, "chunked")) return bh::status::not_implemented;
    return std::nullopt;
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
    namespace bh = boost::beast::http;
    const bool keep_alive = res.keep_alive() && !close_after;
    boost::beast::get_lowest_layer(stream_).expires_after(options_.idle_timeout);
    const auto written = [self = this->shared_from_this(), keep_alive](boost::beast::error_code ec) {
      if (ec || !keep_alive) return self->shutdown();
      self->do_read_header();
    };
    if (!head_) {
      auto message = std::make_shared<response>(std::move(res));
      return bh::async_write(stream_, *message, [written, message](boost::beast::error_code ec, std::size_t) { written(ec); });
    }
    // HEAD (RFC 9110 9.3.2): the header GET would send, with its Content-Length, and no body.
    if (!res.chunked() && !res.has_content_length()) res.content_length(res.body().size());
    struct head_answer {
      explicit head_answer(response r) : message(std::move(r)), serializer(message) {}
      response message;
      bh::response_serializer<bh::string_body> serializer;
    };
    auto answer = std::make_shared<head_answer>(std::move(res));
    bh::async_write_header(stream_, answer->serializer,
                           [written, answer](boost::beast::error_code ec, std::size_t) { written(ec); });
  }

  void shutdown() { linger_close(std::move(boost::beast::get_lowest_layer(stream_).socket()), slot_); }

  Stream stream_;
  const router& routes_;
  const server_options& options_;
  std::size_t shard_;
  boost::asio::ip::tcp::endpoint remote_;
  connection_slot_ptr slot_;  // this connection's place in the limits
  bool head_ = false;         // the request being answered is a HEAD
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
    auto session = options_.per_message_deflate
                       ? make_deflate_session<Stream>(conn_->executor(), options_, std::move(on_message),
                                                      std::move(on_closed))
                       : make_raw_session<Stream>(conn_->executor(), options_, std::move(on_message),
                                                  std::move(on_closed));
    conn_->post_upgrade(session, req_);
    return session;
  }

  void refuse(response res) override {
    if (answered_.exchange(true)) return;
    res.keep_alive(false);
    conn_->post_response(std::move(res));
  }

  void tunnel(boost::asio::ip::tcp::endpoint target, request forwarded, response if_unreachable) override {
    if (answered_.exchange(true)) return;
    if_unreachable.keep_alive(false);
    conn_->post_tunnel(target, std::move(forwarded), std::move(if_unreachable));
  }

 private:
  std::shared_ptr<connection> conn_;
  request req_;
  websocket_options options_;
  std::atomic<bool> answered_{false};
};

}  // namespace switchboard::http::detail
