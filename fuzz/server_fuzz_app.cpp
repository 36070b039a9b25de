#include "server_fuzz_app.hpp"

#include <boost/asio/post.hpp>
#include <cstdlib>
#include <future>
#include <memory>
#include <stdexcept>

#include "switchboard/http/secure_random.hpp"
#include "switchboard/http/server.hpp"
#include "switchboard/log/log.hpp"
#include "switchboard/sio/server.hpp"

namespace switchboard::fuzz {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

std::string text(const sio::arguments& args, std::size_t i, std::string_view fallback) {
  if (i < args.values.size() && args.values[i].is_string()) return std::string(args.values[i].get_string());
  return std::string(fallback);
}

bool flag(const sio::arguments& args, std::size_t i) {
  return i < args.values.size() && args.values[i].is_bool() && args.values[i].get_bool();
}

sio::arguments after(const sio::arguments& args, std::size_t first) {
  sio::arguments out;
  if (first < args.values.size()) out.values = json::array(args.values.begin() + static_cast<std::ptrdiff_t>(first), args.values.end());
  out.binaries = args.binaries;
  return out;
}

sio::arguments one(json::value v) {
  sio::arguments out;
  out.values.push_back(std::move(v));
  return out;
}

void answer(sio::socket& s, const sio::ack_sender& ack, const char* event, sio::arguments args) {
  if (ack.requested()) return ack(std::move(args));
  s.emit(event, std::move(args));
}

// The events a client can send: each drives one path of the socket, its rooms or its namespace.
// Handlers hold the server by reference: the server owns them.
void install_events(sio::socket& socket, sio::server& io) {
  socket.on("echo", [](sio::socket& s, sio::arguments& args, sio::ack_sender ack) { answer(s, ack, "echo", args); });
  socket.on("binary", [](sio::socket& s, sio::arguments& args, sio::ack_sender ack) {
    sio::arguments out = args;
    out.values.push_back(out.add_binary(std::string("\x00\x01\xff", 3)));
    answer(s, ack, "binary", std::move(out));
  });
  socket.on("join", [](sio::socket& s, sio::arguments& args, sio::ack_sender ack) {
    s.join(text(args, 0, "room"));
    ack();
  });
  socket.on("leave", [](sio::socket& s, sio::arguments& args, sio::ack_sender ack) {
    s.leave(text(args, 0, "room"));
    ack();
  });
  socket.on("to-room", [](sio::socket& s, sio::arguments& args, sio::ack_sender ack) {
    s.to(text(args, 0, "room")).emit("room", after(args, 1));
    ack();
  });
  socket.on("broadcast", [&io](sio::socket& s, sio::arguments& args, sio::ack_sender ack) {
    io.of(s.nsp()).except(text(args, 0, "nobody")).emit("news", after(args, 1));
    ack();
  });
  socket.on("volatile", [&io](sio::socket& s, sio::arguments& args, sio::ack_sender ack) {
    io.of(s.nsp()).all().volatile_().emit("news", args);
    ack();
  });
  socket.on("broadcast-ack", [&io](sio::socket& s, sio::arguments& args, sio::ack_sender ack) {
    io.of(s.nsp()).to(text(args, 0, "room")).timeout(30ms).emit_with_ack(
        "question", after(args, 1),
        [ack, executor = s.executor()](std::error_code ec, std::vector<sio::arguments> answers) {
          boost::asio::post(executor, [ack, failed = static_cast<bool>(ec), count = answers.size()] {
            ack(one(json::object{{"answers", count}, {"failed", failed}}));
          });
        });
  });
  socket.on("ask", [](sio::socket& s, sio::arguments& args, sio::ack_sender ack) {
    s.emit_with_ack("question", args, 30ms, [ack](std::error_code ec, sio::arguments reply) {
      ack(ec ? one(json::string(ec.message())) : std::move(reply));
    });
  });
  socket.on("all-join", [&io](sio::socket& s, sio::arguments& args, sio::ack_sender ack) {
    io.of(s.nsp()).in(text(args, 0, "room")).sockets_join(text(args, 1, "other"));
    ack();
  });
  socket.on("all-leave", [&io](sio::socket& s, sio::arguments& args, sio::ack_sender ack) {
    io.of(s.nsp()).in(text(args, 0, "room")).sockets_leave(text(args, 1, "other"));
    ack();
  });
  socket.on("all-disconnect", [&io](sio::socket& s, sio::arguments& args, sio::ack_sender ack) {
    ack();
    io.of(s.nsp()).in(text(args, 0, "room")).disconnect_sockets(flag(args, 1));
  });
  socket.on("fetch", [&io](sio::socket& s, sio::arguments& args, sio::ack_sender ack) {
    io.of(s.nsp()).in(text(args, 0, "room")).fetch_sockets(
        [ack, executor = s.executor()](std::vector<sio::socket_info> sockets) {
          boost::asio::post(executor, [ack, count = sockets.size()] { ack(one(count)); });
        });
  });
  socket.on("rooms", [](sio::socket& s, sio::arguments&, sio::ack_sender ack) {
    json::array rooms;
    for (const auto& room : s.rooms()) rooms.emplace_back(room);
    ack(one(std::move(rooms)));
  });
  socket.on("off", [](sio::socket& s, sio::arguments& args, sio::ack_sender ack) {
    s.off(text(args, 0, "echo"));
    ack();
  });
  socket.on("bye", [](sio::socket& s, sio::arguments& args, sio::ack_sender) { s.disconnect(flag(args, 0)); });
  socket.on("ack-bye", [](sio::socket& s, sio::arguments& args, sio::ack_sender ack) {
    ack(args);
    s.disconnect(flag(args, 0));
  });
  socket.on("throw", [](sio::socket&, sio::arguments&, sio::ack_sender) { throw std::runtime_error("fuzz: event handler throws"); });
  socket.on_any([](sio::socket& s, const std::string& event, sio::arguments&) {
    auto& seen = s.data()["events"];
    seen = seen.is_int64() ? seen.get_int64() + 1 : 1;
    if (event == "any-bye") s.disconnect();
  });
  // A second listener holding heap state: called after the first one's disconnect dropped the
  // listeners, it would read freed memory, which ASan reports.
  socket.on_any([last = std::make_shared<std::string>()](sio::socket&, const std::string& event, sio::arguments&) {
    *last = event;
  });
  socket.on_disconnecting([](sio::socket& s, std::string_view) {
    if (s.rooms().size() > 1) s.to("room").emit("left");
  });
}

void configure_namespace(sio::namespace_ nsp, sio::server& io) {
  nsp.on_connection([&io](sio::socket& s) {
    install_events(s, io);
    s.emit("welcome", one(json::value(s.auth())));
  });
}

// Refuses or delays connections as the CONNECT packet's auth asks, and joins rooms from middleware.
void check_auth(sio::socket& s, sio::next_fn next) {
  const json::object& auth = s.auth();
  const auto* token = auth.if_contains("token");
  if (token && token->is_string() && token->get_string() == "deny") {
    return next(sio::connect_error{.message = "denied", .data = json::object{{"reason", "token"}}});
  }
  if (const auto* room = auth.if_contains("room"); room && room->is_string()) s.join(std::string(room->get_string()));
  if (auth.contains("throw")) throw std::runtime_error("fuzz: middleware throws");
  if (auth.contains("later")) {
    boost::asio::post(s.executor(), [next] { next(std::nullopt); });
  } else {
    next(std::nullopt);
  }
}

struct running {
  std::unique_ptr<http::server> http;
  std::shared_ptr<sio::server> io;
};

running* start() {
  log::configure({.min_level = log::level::off});
  auto r = new running;  // lives until exit: the shards run until then
  r->http = std::make_unique<http::server>(http::server_options{
      .address = "127.0.0.1", .port = 0, .threads = 1, .header_limit = 8 * 1024, .idle_timeout = 1000ms});
  sio::options options{
      .engine = {.ping_interval = 200ms,
                 .ping_timeout = 100ms,
                 .upgrade_timeout = 100ms,
                 .max_payload = 64 * 1024,
                 .allow_eio3 = true,  // Engine.IO v3 sessions, Socket.IO v2 rules
                 .cors = {.origins = {"https://ok.example", "https://*.sub.example"}},
                 .outbound = {.max_packets = 32}},
      .parser = sio::parser_kind::msgpack,  // which serves JSON clients too: both decoders
      .connect_timeout = 300ms,
      .max_pending_acks = 8,
  };
  r->io = sio::server::attach(*r->http, options);
  sio::server& io = *r->io;
  io.use_in_every_namespace(check_auth);
  configure_namespace(io.of("/"), io);
  configure_namespace(io.of("/chat"), io);
  io.of("/admin").use([](sio::socket& s, sio::next_fn next) {
    const auto* token = s.auth().if_contains("token");
    if (token && token->is_string() && token->get_string() == "letmein") return next(std::nullopt);
    next(sio::connect_error{.message = "not authorized"});
  });
  configure_namespace(io.of("/admin"), io);
  io.of("/kick").on_connection([](sio::socket& s) { s.disconnect(); });
  io.dynamic_namespaces([](std::string_view name) { return name.starts_with("/dyn-"); },
                        [&io](sio::namespace_ nsp) { configure_namespace(nsp, io); });
  r->http->start();
  return r;
}

running& instance() {
  static running* const r = start();
  return *r;
}

}  // namespace

std::uint16_t start_server() {
  static const bool stops_at_exit = [] {
    // OpenSSL registers its cleanup when first used: before ours, so that it runs after the shard
    // has stopped and freed its thread's OpenSSL state (or LeakSanitizer reports that state).
    unsigned char warm[1];
    http::secure_random(warm);
    instance();
    // Stop the shard before static destructors run under it.
    return std::atexit([] { instance().http->stop(); }) == 0;
  }();
  static_cast<void>(stops_at_exit);
  return instance().http->port();
}

void settle() {
  http::shard_pool& shards = instance().http->shards();
  for (std::size_t i = 0; i < shards.size(); ++i) {
    auto ran = std::make_shared<std::promise<void>>();
    auto done = ran->get_future();
    boost::asio::post(shards.shard(i), [ran] { ran->set_value(); });
    done.wait_for(100ms);
  }
}

}  // namespace switchboard::fuzz
