#include "net.hpp"

#include <netinet/in.h>
#include <sys/resource.h>

#include <boost/asio/use_awaitable.hpp>

namespace switchboard::bench {

namespace asio = boost::asio;
using asio::ip::tcp;

std::size_t raise_file_limit() {
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);
  return limit.rlim_cur;
}

asio::awaitable<tcp::socket> connect_from(std::size_t source, std::size_t sources, tcp::endpoint server) {
  tcp::socket socket(co_await asio::this_coro::executor);
  socket.open(tcp::v4());
  if (sources > 1 && server.address().is_loopback()) {
    const int on = 1;
    ::setsockopt(socket.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &on, sizeof on);
    const auto host = static_cast<asio::ip::address_v4::uint_type>(0x7f000001u + source % sources);
    socket.bind(tcp::endpoint(asio::ip::address_v4(host), 0));
  }
  socket.set_option(tcp::no_delay(true));
  co_await socket.async_connect(server, asio::use_awaitable);
  co_return socket;
}

}  // namespace switchboard::bench
