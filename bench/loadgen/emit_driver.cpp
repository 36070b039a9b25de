#include "emit_driver.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <charconv>
#include <optional>
#include <stdexcept>
#include <vector>

#include "net.hpp"

namespace switchboard::bench {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using clock = std::chrono::steady_clock;

namespace {

// The sum of every "recipients" count in an answer (one, or one per item of a batch).
std::uint64_t recipients_in(std::string_view body) {
  constexpr std::string_view key = "\"recipients\":";
  std::uint64_t total = 0;
  for (auto at = body.find(key); at != std::string_view::npos; at = body.find(key, at + key.size())) {
    std::uint64_t n = 0;
    std::from_chars(body.data() + at + key.size(), body.data() + body.size(), n);
    total += n;
  }
  return total;
}

std::size_t count_of(std::string_view body, std::string_view what) {
  std::size_t n = 0;
  for (auto at = body.find(what); at != std::string_view::npos; at = body.find(what, at + what.size())) ++n;
  return n;
}

// Request `n` of the plan: one made body, or the array of `batch` of them.
emit_request request_of(const emit_plan& plan, std::uint64_t n) {
  if (plan.batch == 1) return plan.make(n);
  emit_request batch{.path = {}, .body = "["};
  for (std::size_t i = 0; i < plan.batch; ++i) {
    emit_request one = plan.make(n * plan.batch + i);
    batch.path = std::move(one.path);
    if (i > 0) batch.body += ',';
    batch.body += one.body;
  }
  batch.body += ']';
  return batch;
}

http::request<http::string_body> make_request(const target& server, const std::string& api_key, emit_request r) {
  http::request<http::string_body> req{http::verb::post, r.path, 11};
  req.set(http::field::host, server.endpoint.address().to_string());
  req.set(http::field::content_type, server.kind == server_kind::floor ? "text/plain" : "application/json");
  req.set(http::field::authorization, "Bearer " + api_key);
  req.keep_alive(true);
  req.body() = std::move(r.body);
  req.prepare_payload();
  return req;
}

// Worker `index` of `count` sends requests index, index + count, ... each at its due time.
asio::awaitable<void> worker(const target& server, const std::string& api_key, const emit_plan& plan,
                             std::size_t index, clock::time_point start, emit_totals& totals) {
  boost::beast::tcp_stream stream(co_await connect_from(0, 1, server.endpoint));
  boost::beast::flat_buffer buffer;
  asio::steady_timer timer(co_await asio::this_coro::executor);
  const auto end = start + std::chrono::duration_cast<clock::duration>(plan.duration);
  const double requests_per_second = plan.rate / static_cast<double>(plan.batch);
  for (std::uint64_t n = index;; n += plan.connections) {
    const auto due = start + std::chrono::duration_cast<clock::duration>(
                                 std::chrono::duration<double>(static_cast<double>(n) / requests_per_second));
    if (due >= end) break;
    if (due > clock::now()) {
      timer.expires_at(due);
      co_await timer.async_wait(asio::use_awaitable);
    }
    totals.sent += plan.batch;
    co_await http::async_write(stream, make_request(server, api_key, request_of(plan, n)), asio::use_awaitable);
    http::response<http::string_body> res;
    co_await http::async_read(stream, buffer, res, asio::use_awaitable);
    const auto wanted = plan.batch == 1 ? http::status::accepted : http::status::ok;
    const std::size_t accepted = plan.batch == 1 ? 1 : count_of(res.body(), "\"status\":202");
    if (res.result() != wanted || accepted != plan.batch) {
      totals.failed += plan.batch - (res.result() == wanted ? accepted : 0);
      if (totals.first_error.empty()) totals.first_error = std::to_string(res.result_int()) + " " + res.body().substr(0, 300);
      if (res.result() != wanted) continue;
    }
    totals.recipients += recipients_in(res.body());
  }
}

}  // namespace

asio::awaitable<emit_totals> run_emits(const target& server, std::string api_key, emit_plan plan) {
  emit_totals totals;
  auto executor = co_await asio::this_coro::executor;
  const auto start = clock::now();
  std::size_t running = plan.connections;
  asio::steady_timer all_done(executor, clock::time_point::max());
  for (std::size_t i = 0; i < plan.connections; ++i) {
    asio::co_spawn(executor, worker(server, api_key, plan, i, start, totals), [&](std::exception_ptr error) {
      if (error) {
        ++totals.failed;
        try {
          std::rethrow_exception(error);
        } catch (const std::exception& e) {
          if (totals.first_error.empty()) totals.first_error = e.what();
        }
      }
      if (--running == 0) all_done.cancel();
    });
  }
  boost::system::error_code ignored;
  co_await all_done.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  totals.seconds = std::chrono::duration<double>(clock::now() - start).count();
  co_return totals;
}

asio::awaitable<generated> ask_to_generate(const target& server, std::string api_key, std::string body) {
  boost::beast::tcp_stream stream(co_await connect_from(0, 1, server.endpoint));
  boost::beast::flat_buffer buffer;
  auto req = make_request(server, api_key, {.path = "/bench/generate", .body = std::move(body)});  // named: GCC 12 frees
  co_await http::async_write(stream, req, asio::use_awaitable);  // a braced temporary inside co_await too early
  http::response<http::string_body> res;
  co_await http::async_read(stream, buffer, res, asio::use_awaitable);
  const auto number = [&body = res.body()](std::string_view key) -> std::optional<std::uint64_t> {
    const auto at = body.find(key);
    std::uint64_t n = 0;
    if (at == std::string::npos) return std::nullopt;
    std::from_chars(body.data() + at + key.size(), body.data() + body.size(), n);
    return n;
  };
  const auto emitted = number("\"emitted\":"), failed = number("\"failed\":");
  if (res.result() != http::status::ok || !emitted || !failed) {
    throw std::runtime_error("POST /bench/generate: " + std::to_string(res.result_int()) + " " + res.body().substr(0, 300));
  }
  co_return generated{.emitted = *emitted, .failed = *failed};
}

}  // namespace switchboard::bench
