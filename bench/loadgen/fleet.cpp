#include "fleet.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/object.hpp>
#include <ctime>

#include "polling_client.hpp"
#include "switchboard/auth/jwt.hpp"
#include "ws_client.hpp"

namespace switchboard::bench {

namespace asio = boost::asio;

std::string token_for(const run_options& options, const std::string& user) {
  static const auto signer = auth::jwt::signer::shared_secret(options.jwt_secret);
  const auto now = static_cast<std::int64_t>(std::time(nullptr));
  return signer.sign(boost::json::object{{"sub", user}, {"iat", now}, {"exp", now + 86400}});
}

asio::awaitable<bool> wait_for(std::function<bool()> done, std::function<std::uint64_t()> progress,
                               std::chrono::milliseconds idle_limit, std::chrono::milliseconds limit) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  auto last = progress();
  auto last_change = std::chrono::steady_clock::now();
  const auto deadline = last_change + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) co_return false;
    timer.expires_after(std::chrono::milliseconds(5));
    co_await timer.async_wait(asio::use_awaitable);
    if (const auto now = progress(); now != last) {
      last = now;
      last_change = std::chrono::steady_clock::now();
    } else if (std::chrono::steady_clock::now() - last_change > idle_limit) {
      co_return false;
    }
  }
  co_return true;
}

asio::awaitable<void> open_fleet(const run_options& options, fleet_plan plan, fleet_stats& stats, const bool& stop) {
  auto executor = co_await asio::this_coro::executor;
  const auto settled = [&] { return stats.connected + stats.refused + stats.lost; };
  const std::uint64_t first = settled();
  for (std::size_t i = 0; i < plan.count; ++i) {
    if (stats.handshaking >= options.handshake_concurrency) {
      co_await wait_for([&] { return stats.handshaking < options.handshake_concurrency; }, settled,
                        std::chrono::seconds(30));
    }
    std::string user = plan.user(i);
    std::string token = token_for(options, user);
    ++stats.handshaking;  // the client takes it back when it is connected or refused
    if (plan.over == transport::polling) {
      asio::co_spawn(executor, run_polling_client(options.server, i, std::move(token), stats, stop), asio::detached);
    } else {
      ws_client_options client{.token = std::move(token), .user = std::move(user),
                               .close_when_connected = plan.close_when_connected};
      asio::co_spawn(executor, run_ws_client(options.server, i, std::move(client), stats, stop), asio::detached);
    }
  }
  co_await wait_for([&] { return settled() - first >= plan.count; }, settled, std::chrono::seconds(30));
}

}  // namespace switchboard::bench
