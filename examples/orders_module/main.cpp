// A module as switchboard's design describes one: typed events declared once in a catalogue,
// rooms of its own ("board:<id>", entered only through the module), and the process-wide
// emitter, which never throws. Every connection is authenticated (a JWT signed with HS256 by the
// secret in EXAMPLE_JWT_SECRET) and joins its user's room, user:<sub>. A client joins a board,
// places an order: the order is acked, announced to everyone watching the board, and a receipt
// goes to every socket of its user. Usage: EXAMPLE_JWT_SECRET=... orders_module [port].
#include <boost/describe/class.hpp>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>

#include "switchboard/auth/guard.hpp"
#include "switchboard/http/server.hpp"
#include "switchboard/http/stop_signals.hpp"
#include "switchboard/realtime/options.hpp"
#include "switchboard/realtime/server.hpp"

namespace rt = switchboard::realtime;
namespace sio = switchboard::sio;
namespace jwt = switchboard::auth::jwt;

namespace orders {

// ---- The catalogue: what the module's clients and the server say to each other.
struct PlaceOrder {
  std::string boardId;
  std::string item;
  int quantity = 0;
};
BOOST_DESCRIBE_STRUCT(PlaceOrder, (), (boardId, item, quantity))

struct Order {
  std::string boardId;
  std::string item;
  int quantity = 0;
  std::string by;  // the user who placed it
};
BOOST_DESCRIBE_STRUCT(Order, (), (boardId, item, quantity, by))

inline constexpr rt::client_event<PlaceOrder, Order> place{"order:place"};
inline constexpr rt::server_event<Order> placed{"order:placed"};    // to the board's room
inline constexpr rt::server_event<Order> receipt{"order:receipt"};  // to the user, every device
inline constexpr rt::client_event<rt::RoomRequest, rt::RoomMembership> watch{"board:watch"};
inline constexpr rt::client_event<rt::RoomRequest, rt::RoomMembership> unwatch{"board:unwatch"};
inline constexpr auto events = rt::catalogue("orders", place, placed, receipt, watch, unwatch);

// ---- The module: its rooms and its handler.
void install(rt::server& server) {
  // Any signed-in user may watch any board; a real module would ask its store, on server.workers().
  const rt::module_rooms boards = server.rooms(
      "board:", [](const std::string&, const std::string&, auto done) { done(std::nullopt); }, watch, unwatch);
  server.on(place, [boards](sio::socket& s, const PlaceOrder& request, rt::ack<Order> ack) {
    if (request.quantity < 1) return ack.fail({"invalid_quantity", "quantity must be at least 1"});
    const Order order{request.boardId, request.item, request.quantity, switchboard::auth::user_id_of(s).value_or("")};
    ack(order);
    // The emitter logs a failure and returns it; the order stands either way.
    (void)rt::current().emit(placed, rt::to_rooms{{boards.room(order.boardId)}}, order);
    (void)rt::current().emit(receipt, rt::to_users{{order.by}}, order);
  });
}

}  // namespace orders

int main(int argc, char** argv) {
  const char* secret = std::getenv("EXAMPLE_JWT_SECRET");
  if (!secret || std::string(secret).size() < 32) {
    std::cerr << "set EXAMPLE_JWT_SECRET to a secret of 32 bytes or more" << std::endl;
    return 2;
  }
  switchboard::http::stop_signals stop;  // before any thread starts
  switchboard::http::server http({.port = static_cast<std::uint16_t>(argc > 1 ? std::stoi(argv[1]) : 3000)});
  rt::options options;
  options.auth.jwt.emplace(std::vector<jwt::key>{jwt::key::shared_secret(secret)}, jwt::verify_options{});
  const auto server = rt::server::attach(http, std::move(options));
  orders::install(*server);

  http.start();
  std::cout << "listening on " << http.port() << std::endl;
  stop.wait();
  server->stop(std::chrono::seconds(5));
  http.stop();
}
