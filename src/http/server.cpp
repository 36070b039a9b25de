#include "switchboard/http/server.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <system_error>

#include "connection.hpp"
#include "router.hpp"

namespace switchboard::http {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using plain_stream = boost::beast::tcp_stream;
using tls_stream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

struct server::impl {
  explicit impl(server_options o) : options(std::move(o)), shards(options.threads) {}

  server_options options;
  shard_pool shards;
  detail::router routes;
  std::optional<asio::ssl::context> tls;
  std::optional<tcp::acceptor> acceptor;
  asio::steady_timer accept_retry{shards.shard(0)};
  std::size_t next_shard = 0;
  std::uint16_t bound_port = 0;

  void load_tls() {
    if (!options.tls) return;
    tls.emplace(asio::ssl::context::tls_server);
    tls->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                     asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                     asio::ssl::context::no_tlsv1_1);
    tls->use_certificate_chain_file(options.tls->certificate_chain_file);
    tls->use_private_key_file(options.tls->private_key_file, asio::ssl::context::pem);
  }

  void bind() {
    acceptor.emplace(shards.shard(0));
    const tcp::endpoint endpoint{asio::ip::make_address(options.address), options.port};
    acceptor->open(endpoint.protocol());
    acceptor->set_option(asio::socket_base::reuse_address(true));
    acceptor->bind(endpoint);
    acceptor->listen(asio::socket_base::max_listen_connections);
    bound_port = acceptor->local_endpoint().port();
  }

  // Accepts on shard 0 into the sockets of each shard in turn; the connection then lives there.
  void do_accept() {
    const std::size_t shard = next_shard++ % shards.size();
    acceptor->async_accept(shards.shard(shard), [this, shard](boost::system::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted) return;
      if (!ec) {
        start_connection(shard, std::move(socket));
        return do_accept();
      }
      // Out of descriptors (or similar): the connection waits in the backlog, so retrying at
      // once would spin. Breathe first.
      accept_retry.expires_after(std::chrono::milliseconds(100));
      accept_retry.async_wait([this](boost::system::error_code wait_ec) {
        if (!wait_ec) do_accept();
      });
    });
  }

  void start_connection(std::size_t shard, tcp::socket socket) {
    asio::post(shards.shard(shard), [this, shard, socket = std::move(socket)]() mutable {
      boost::system::error_code ec;
      const tcp::endpoint remote = socket.remote_endpoint(ec);
      if (ec) return;
      socket.set_option(tcp::no_delay(true), ec);
      if (tls) {
        std::make_shared<detail::connection<tls_stream>>(tls_stream(plain_stream(std::move(socket)), *tls),
                                                         routes, options, shard, remote)->run();
      } else {
        std::make_shared<detail::connection<plain_stream>>(plain_stream(std::move(socket)), routes, options,
                                                           shard, remote)->run();
      }
    });
  }
};

server::server(server_options options) : impl_(std::make_unique<impl>(std::move(options))) {}

server::~server() { stop(); }

void server::mount(std::string prefix, std::shared_ptr<route> r) { impl_->routes.add(std::move(prefix), std::move(r)); }

void server::start() {
  impl_->load_tls();
  impl_->bind();
  asio::post(impl_->shards.shard(0), [this] { impl_->do_accept(); });
  impl_->shards.start();
}

void server::stop() {
  if (impl_->acceptor) {
    asio::post(impl_->shards.shard(0), [this] {
      boost::system::error_code ignored;
      impl_->acceptor->close(ignored);
      impl_->accept_retry.cancel();
    });
  }
  impl_->shards.stop();
}

std::uint16_t server::port() const noexcept { return impl_->bound_port; }
shard_pool& server::shards() noexcept { return impl_->shards; }
const server_options& server::options() const noexcept { return impl_->options; }

}  // namespace switchboard::http
