// A Socket.IO server in about 20 lines: any official client connects to it, is welcomed with
// its id, and has "hello" acked with what it carried. Usage: hello [port]; stops on Ctrl-C or
// SIGTERM, after telling every client.
#include <chrono>
#include <iostream>
#include <string>

#include "switchboard/http/stop_signals.hpp"
#include "switchboard/sio/server.hpp"

namespace sio = switchboard::sio;

int main(int argc, char** argv) {
  switchboard::http::stop_signals stop;  // before any thread starts
  switchboard::http::server http({.port = static_cast<std::uint16_t>(argc > 1 ? std::stoi(argv[1]) : 3000)});
  auto io = sio::server::attach(http, {});
  io->of("/").on_connection([](sio::socket& socket) {
    socket.emit("welcome", {.values = {socket.id()}});
    socket.on("hello", [](sio::socket&, sio::arguments& args, sio::ack_sender ack) { ack(args); });
  });

  http.start();
  std::cout << "listening on " << http.port() << std::endl;
  stop.wait();
  io->close(std::chrono::seconds(5));  // every client told "server shutting down", then gone
  http.stop();
}
