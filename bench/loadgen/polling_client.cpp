#include "polling_client.hpp"

#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include "net.hpp"

namespace switchboard::bench {

namespace asio = boost::asio;
namespace http = boost::beast::http;

namespace {

constexpr std::string_view base_path = "/socket.io/?EIO=4&transport=polling";

class polling_connection {
 public:
  polling_connection(boost::beast::tcp_stream stream) : stream_(std::move(stream)) {}

  asio::awaitable<std::string> exchange(http::verb verb, const std::string& path, std::string body = {}) {
    http::request<http::string_body> req{verb, path, 11};
    req.set(http::field::host, "127.0.0.1");
    if (verb == http::verb::post) req.set(http::field::content_type, "text/plain;charset=UTF-8");
    req.body() = std::move(body);
    req.prepare_payload();
    co_await http::async_write(stream_, req, asio::use_awaitable);
    http::response<http::string_body> res;
    co_await http::async_read(stream_, buffer_, res, asio::use_awaitable);
    if (res.result() != http::status::ok) throw std::runtime_error("HTTP " + std::to_string(res.result_int()) + " " + res.body());
    co_return std::move(res.body());
  }

 private:
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
};

std::string session_id(std::string_view open_packet) {
  constexpr std::string_view key = "\"sid\":\"";
  const auto at = open_packet.find(key);
  if (at == std::string_view::npos) throw std::runtime_error("no sid in the handshake");
  const auto begin = at + key.size();
  return std::string(open_packet.substr(begin, open_packet.find('"', begin) - begin));
}

}  // namespace

asio::awaitable<void> run_polling_client(const target& server, std::size_t index, std::string token,
                                         fleet_stats& stats, const bool& stop) {
  bool connected = false;
  try {
    polling_connection gets(boost::beast::tcp_stream(co_await connect_from(index, server.sources, server.endpoint)));
    const std::string sid = session_id(co_await gets.exchange(http::verb::get, std::string(base_path)));
    const std::string path = std::string(base_path) + "&sid=" + sid;
    polling_connection posts(boost::beast::tcp_stream(co_await connect_from(index, server.sources, server.endpoint)));
    co_await posts.exchange(http::verb::post, path, connect_packet(token));
    while (!stop) {
      const std::string payload = co_await gets.exchange(http::verb::get, path);
      std::string_view rest = payload;
      while (!rest.empty()) {
        const auto end = rest.find('\x1e');  // the Engine.IO payload separator
        const std::string_view packet = rest.substr(0, end);
        rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
        switch (on_engineio_packet(packet, stats)) {
          case next_step::send_pong: co_await posts.exchange(http::verb::post, path, "3"); break;
          case next_step::connected:
            connected = true;
            --stats.handshaking;
            ++stats.connected;
            break;
          case next_step::refused:
          case next_step::closed: throw std::runtime_error(std::string(packet.substr(0, 200)));
          case next_step::send_connect:
          case next_step::nothing: break;
        }
      }
    }
  } catch (const std::exception& e) {
    stats.fail(e.what());
    if (connected) {
      ++stats.lost;
    } else {
      --stats.handshaking;
      ++stats.refused;
    }
  }
}

}  // namespace switchboard::bench
