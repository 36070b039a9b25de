#pragma once
// A connection handed to another server as it is: the bytes it has sent (the upgrade request,
// rewritten by the route) go first, then bytes flow both ways untouched until either side closes,
// and then both are closed. Each direction reads only after its last write completed, so a peer
// that stops reading stops the other side's reads: at most two buffers of 16 KiB are held.
#include <array>
#include <boost/asio/write.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <memory>
#include <string>

#include "connection_limits.hpp"

namespace switchboard::http::detail {

template <class Stream>
class tunnel : public std::enable_shared_from_this<tunnel<Stream>> {
 public:
  tunnel(Stream&& client, boost::beast::tcp_stream target, connection_slot_ptr slot)
      : client_(std::move(client)), target_(std::move(target)), slot_(std::move(slot)) {}

  // `preamble`: what the target reads first.
  void start(std::string preamble) {
    // The peers' own heartbeat (Engine.IO's pings) decides when the connection is dead.
    boost::beast::get_lowest_layer(client_).expires_never();
    target_.expires_never();
    auto text = std::make_shared<std::string>(std::move(preamble));
    boost::asio::async_write(target_, boost::asio::buffer(*text),
                             [self = this->shared_from_this(), text](boost::beast::error_code ec, std::size_t) {
                               if (ec) return self->stop();
                               self->pump(self->client_, self->target_, self->upstream_);
                               self->pump(self->target_, self->client_, self->downstream_);
                             });
  }

 private:
  using buffer = std::array<char, 16 * 1024>;

  template <class From, class To>
  void pump(From& from, To& to, buffer& bytes) {
    from.async_read_some(boost::asio::buffer(bytes), [self = this->shared_from_this(), &from, &to, &bytes](
                                                         boost::beast::error_code ec, std::size_t n) {
      if (ec) return self->stop();
      boost::asio::async_write(to, boost::asio::buffer(bytes.data(), n),
                               [self, &from, &to, &bytes](boost::beast::error_code ec, std::size_t) {
                                 if (ec) return self->stop();
                                 self->pump(from, to, bytes);
                               });
    });
  }

  // Either side is done: close both, which ends the other direction's pending operations.
  void stop() {
    boost::beast::error_code ignored;
    boost::beast::get_lowest_layer(client_).socket().shutdown(boost::asio::socket_base::shutdown_both, ignored);
    boost::beast::get_lowest_layer(client_).socket().close(ignored);
    target_.socket().close(ignored);
  }

  Stream client_;
  boost::beast::tcp_stream target_;
  connection_slot_ptr slot_;  // the client connection's place in the limits, held while it lasts
  buffer upstream_{};
  buffer downstream_{};
};

}  // namespace switchboard::http::detail
