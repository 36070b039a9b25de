#pragma once
// Closing a TCP connection without losing the last response: the kernel answers data that
// arrives on a closed socket with a reset, which can destroy a response the peer has not read
// yet (a 413 sent while the client still uploads). So: stop sending, read and discard what the
// peer still sends until it closes or `limit` passes, then close.
#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>

namespace switchboard::http::detail {

// `keep` (the connection's slot in the limits) is held until the socket is closed.
inline void linger_close(boost::asio::ip::tcp::socket socket, std::shared_ptr<void> keep = nullptr,
                         std::chrono::milliseconds limit = std::chrono::seconds(2)) {
  struct lingering : std::enable_shared_from_this<lingering> {
    lingering(boost::asio::ip::tcp::socket s, std::shared_ptr<void> k)
        : socket(std::move(s)), timer(socket.get_executor()), keep(std::move(k)) {}
    boost::asio::ip::tcp::socket socket;
    boost::asio::steady_timer timer;
    std::shared_ptr<void> keep;
    std::array<char, 16 * 1024> discard{};

    void drain() {
      socket.async_read_some(boost::asio::buffer(discard), [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
        if (ec) {
          self->timer.cancel();
          self->socket.close(ec);
          return;
        }
        self->drain();
      });
    }
  };
  if (!socket.is_open()) return;
  auto state = std::make_shared<lingering>(std::move(socket), std::move(keep));
  boost::system::error_code ignored;
  state->socket.shutdown(boost::asio::ip::tcp::socket::shutdown_send, ignored);
  state->timer.expires_after(limit);
  state->timer.async_wait([weak = std::weak_ptr<lingering>(state)](boost::system::error_code ec) {
    if (auto self = weak.lock(); self && !ec) self->socket.close(ec);
  });
  state->drain();
}

}  // namespace switchboard::http::detail
