// A Socket.IO server in about 20 lines: any official client connects to it, is welcomed with
// its id, and has "hello" acked with what it carried. Usage: hello [port]; stops on Ctrl-C.
#include <csignal>
#include <iostream>
#include <string>

#include "switchboard/sio/server.hpp"

namespace sio = switchboard::sio;

int main(int argc, char** argv) {
  sigset_t stop_signals;  // blocked before any thread starts, then waited for below
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  switchboard::http::server http({.port = static_cast<std::uint16_t>(argc > 1 ? std::stoi(argv[1]) : 3000)});
  auto io = sio::server::attach(http, {});
  io->of("/").on_connection([](sio::socket& socket) {
    socket.emit("welcome", {.values = {socket.id()}});
    socket.on("hello", [](sio::socket&, sio::arguments& args, sio::ack_sender ack) { ack(args); });
  });

  http.start();
  std::cout << "listening on " << http.port() << std::endl;
  int signal = 0;
  sigwait(&stop_signals, &signal);
  io->close();
  http.stop();
}
