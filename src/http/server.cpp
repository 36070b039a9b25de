#include "switchboard/http/server.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cerrno>
#include <limits>
#include <stdexcept>
#include <system_error>
#include <vector>

#include "connection_limits.hpp"
#include "connection_start.hpp"
#include "refuse.hpp"
#include "router.hpp"
#include "switchboard/http/peer_address.hpp"

namespace switchboard::http {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

// Descriptors kept for what is not a connection: the listener, the reserve, logs, databases.
constexpr std::size_t descriptor_reserve = 64;

std::size_t resolve_max_connections(std::size_t configured) {
  rlimit limit{};
  std::size_t ceiling = std::numeric_limits<std::size_t>::max();
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
    ceiling = limit.rlim_cur > descriptor_reserve ? limit.rlim_cur - descriptor_reserve : 1;
  }
  return configured == 0 ? ceiling : std::min(configured, ceiling);
}

const char* refusal_message(detail::connection_limits::refusal r) {
  using refusal = detail::connection_limits::refusal;
  switch (r) {
    case refusal::total: return "Too many connections";
    case refusal::per_ip: return "Too many connections from this address";
    case refusal::header_phase: return "Too many connections waiting to send a request";
    case refusal::none: break;
  }
  return "Service unavailable";
}

}  // namespace

struct server::impl {
  explicit impl(server_options o) : options(std::move(o)), shards(options.threads) {}
  ~impl() {
    if (reserve_fd >= 0) ::close(reserve_fd);
  }

  server_options options;
  shard_pool shards;
  detail::router routes;
  std::shared_ptr<detail::connection_limits> limits;
  std::optional<asio::ssl::context> tls;
  // One per listen address, all on shard 0 (which also spreads their connections over the shards).
  struct listener {
    explicit listener(asio::io_context& shard0) : acceptor(shard0), retry(shard0) {}
    tcp::acceptor acceptor;
    asio::steady_timer retry;
  };
  std::vector<std::unique_ptr<listener>> listeners;
  std::size_t next_shard = 0;
  std::uint16_t bound_port = 0;
  int reserve_fd = -1;  // closed to accept and refuse a connection when descriptors run out

  void load_tls() {
    if (!options.tls) return;
#ifdef SWITCHBOARD_HTTP_NO_TLS
    throw std::runtime_error("this build of switchboard has no TLS (built with SWITCHBOARD_HTTP_TLS=OFF)");
#endif
    tls.emplace(asio::ssl::context::tls_server);
    tls->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                     asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                     asio::ssl::context::no_tlsv1_1);
    tls->use_certificate_chain_file(options.tls->certificate_chain_file);
    tls->use_private_key_file(options.tls->private_key_file, asio::ssl::context::pem);
  }

  // `address` first (its port may be 0), then the others on the port it got.
  void bind() {
    bound_port = listen_on(options.address, options.port);
    for (const auto& address : options.more_addresses) listen_on(address, bound_port);
  }

  std::uint16_t listen_on(const std::string& address, std::uint16_t port) {
    auto l = std::make_unique<listener>(shards.shard(0));
    const tcp::endpoint endpoint{asio::ip::make_address(address), port};
    l->acceptor.open(endpoint.protocol());
    l->acceptor.set_option(asio::socket_base::reuse_address(true));
    // "::" takes IPv4 clients too (dual stack), whatever the system's net.ipv6.bindv6only says.
    if (endpoint.address().is_v6() && endpoint.address().is_unspecified()) {
      l->acceptor.set_option(asio::ip::v6_only(false));
    }
    l->acceptor.bind(endpoint);
    l->acceptor.listen(asio::socket_base::max_listen_connections);
    const std::uint16_t bound = l->acceptor.local_endpoint().port();
    listeners.push_back(std::move(l));
    return bound;
  }

  void open_limits() {
    limits = std::make_shared<detail::connection_limits>(resolve_max_connections(options.max_connections),
                                                         options.max_connections_per_ip,
                                                         options.max_header_phase_connections,
                                                         options.exempt_loopback, options.exempt_addresses);
    reserve_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  }

  // Accepts on shard 0 into the sockets of each shard in turn; the connection then lives there.
  void do_accept(listener& l) {
    const std::size_t shard = next_shard++ % shards.size();
    l.acceptor.async_accept(shards.shard(shard), [this, &l, shard](boost::system::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted) return;
      if (!ec) {
        admit(shard, std::move(socket));
        return do_accept(l);
      }
      detail::counters::bump(limits->stats.accept_errors);
      if (ec == asio::error::no_descriptors || ec.value() == ENFILE) refuse_pending(l.acceptor);
      // The connection may still wait in the backlog, so retrying at once could spin. Breathe first.
      l.retry.expires_after(std::chrono::milliseconds(50));
      l.retry.async_wait([this, &l](boost::system::error_code wait_ec) {
        if (!wait_ec) do_accept(l);
      });
    });
  }

  // Out of descriptors: the reserve makes room to take the waiting connection and answer it 503,
  // so that it is not left hanging in the backlog.
  void refuse_pending(tcp::acceptor& acceptor) {
    if (reserve_fd < 0) return;
    ::close(reserve_fd);
    const int fd = ::accept4(acceptor.native_handle(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) detail::refuse_and_close(fd, "Server out of file descriptors");
    reserve_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  }

  void admit(std::size_t shard, tcp::socket socket) {
    boost::system::error_code ec;
    const tcp::endpoint remote = socket.remote_endpoint(ec);
    if (ec) return;
    const auto address = canonical_address(remote.address());
    if (const auto refused = limits->admit(address); refused != detail::connection_limits::refusal::none) {
      return detail::refuse_and_close(socket.release(ec), refusal_message(refused));
    }
    auto slot = std::make_shared<detail::connection_slot>(limits, address);
    asio::post(shards.shard(shard), [this, shard, remote, slot = std::move(slot), socket = std::move(socket)]() mutable {
      boost::system::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      detail::connection_start start{routes, options, shard, remote, std::move(slot)};
#ifndef SWITCHBOARD_HTTP_NO_TLS
      if (tls) return detail::start_tls_connection(std::move(socket), *tls, std::move(start));
#endif
      detail::start_plain_connection(std::move(socket), std::move(start));
    });
  }
};

server::server(server_options options) : impl_(std::make_unique<impl>(std::move(options))) {}

server::~server() { stop(); }

void server::mount(std::string prefix, std::shared_ptr<route> r) { impl_->routes.add(std::move(prefix), std::move(r)); }

void server::start() {
  impl_->load_tls();
  impl_->open_limits();
  impl_->bind();
  asio::post(impl_->shards.shard(0), [this] {
    for (auto& l : impl_->listeners) impl_->do_accept(*l);
  });
  impl_->shards.start();
}

void server::stop() {
  if (!impl_->listeners.empty()) {
    asio::post(impl_->shards.shard(0), [this] {
      for (auto& l : impl_->listeners) {
        boost::system::error_code ignored;
        l->acceptor.close(ignored);
        l->retry.cancel();
      }
    });
  }
  impl_->shards.stop();
}

std::uint16_t server::port() const noexcept { return impl_->bound_port; }
server_stats server::stats() const noexcept { return impl_->limits ? impl_->limits->stats.snapshot() : server_stats{}; }
std::size_t server::max_connections() const noexcept { return impl_->limits ? impl_->limits->max_total() : 0; }
shard_pool& server::shards() noexcept { return impl_->shards; }
const server_options& server::options() const noexcept { return impl_->options; }

}  // namespace switchboard::http
