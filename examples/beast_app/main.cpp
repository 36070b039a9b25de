// switchboard inside a Boost.Beast HTTP application: the application's own request handler (a
// Beast request in, a Beast response out) serves /api/ beside Socket.IO at /socket.io/, on one
// port and the same threads. POST /api/news tells every Socket.IO client; GET /api/clients counts
// them. Usage: beast_app [port]; stops on Ctrl-C or SIGTERM, after telling every client.
#include <boost/beast/http.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <iostream>
#include <string>

#include "switchboard/http/stop_signals.hpp"
#include "switchboard/sio/server.hpp"

namespace bh = boost::beast::http;
namespace sio = switchboard::sio;
namespace sb_http = switchboard::http;

// The application's handler, as any Beast server would have it.
bh::response<bh::string_body> handle(const bh::request<bh::string_body>& req, sio::server& io) {
  const auto json = [&req](bh::status status, const boost::json::object& body) {
    return sb_http::make_response(req, status, boost::json::serialize(body), "application/json");
  };
  if (req.target() == "/api/news" && req.method() == bh::verb::post) {
    io.of("/").emit("news", req.body());  // to every client of the main namespace
    return json(bh::status::accepted, {{"sent", req.body()}});
  }
  if (req.target() == "/api/clients" && req.method() == bh::verb::get) {
    return json(bh::status::ok, {{"clients", io.engine().session_count()}});
  }
  return json(bh::status::not_found, {{"error", "no such route"}});
}

// Mounts the handler on switchboard's listener: every request under its prefix comes here.
class api_route final : public sb_http::route {
 public:
  explicit api_route(std::shared_ptr<sio::server> io) : io_(std::move(io)) {}
  void on_request(sb_http::exchange_ptr ex) override { ex->respond(handle(ex->req(), *io_)); }
  void on_websocket(sb_http::websocket_upgrade_ptr upgrade) override {
    upgrade->refuse(sb_http::make_response(upgrade->req(), bh::status::not_found, "not a WebSocket route"));
  }
  std::size_t body_limit() const noexcept override { return 64 * 1024; }
  sb_http::websocket_options websocket() const noexcept override { return {}; }

 private:
  std::shared_ptr<sio::server> io_;
};

int main(int argc, char** argv) {
  sb_http::stop_signals stop;  // before any thread starts
  sb_http::server http({.port = static_cast<std::uint16_t>(argc > 1 ? std::stoi(argv[1]) : 3000)});
  auto io = sio::server::attach(http, {});  // /socket.io/
  http.mount("/api/", std::make_shared<api_route>(io));

  http.start();
  std::cout << "listening on " << http.port() << std::endl;
  stop.wait();
  io->close(std::chrono::seconds(5));
  http.stop();
}
