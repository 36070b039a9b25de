#include "emit_command.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value_from.hpp>
#include <boost/json/serialize.hpp>
#include <iostream>

#include "server_setup.hpp"

namespace switchboard::app {
namespace {

namespace beast = boost::beast;
namespace json = boost::json;

struct emit_flags {
  config_flags cfg;
  std::string event;
  std::vector<std::string> users;
  std::vector<std::string> rooms;
  std::string data = "null";
  std::string key_name;
  std::string host;
  std::uint16_t port = 0;
};

// One blocking HTTP request to the server (plain HTTP: for TLS deployments use curl).
beast::http::response<beast::http::string_body> post(const std::string& host, std::uint16_t port,
                                                     const std::string& api_key, std::string body) {
  boost::asio::io_context io;
  beast::tcp_stream stream(io);
  stream.connect(boost::asio::ip::tcp::resolver(io).resolve(host, std::to_string(port)));
  beast::http::request<beast::http::string_body> req{beast::http::verb::post, "/api/v1/emit", 11};
  req.set(beast::http::field::host, host);
  req.set(beast::http::field::authorization, "Bearer " + api_key);
  req.set(beast::http::field::content_type, "application/json");
  req.body() = std::move(body);
  req.prepare_payload();
  beast::http::write(stream, req);
  beast::flat_buffer buffer;
  beast::http::response<beast::http::string_body> res;
  beast::http::read(stream, buffer, res);
  return res;
}

void run(const emit_flags& f) {
  const config c = f.cfg.load();
  if (c.api.keys.empty()) throw config_error("api.keys is empty: the emit API needs a key");
  const auto key = f.key_name.empty() ? c.api.keys.begin() : c.api.keys.find(f.key_name);
  if (key == c.api.keys.end()) throw config_error("api.keys has no key named " + f.key_name);
  boost::system::error_code ec;
  json::value data = json::parse(f.data, ec);
  if (ec) throw CLI::ValidationError("--data", "expected JSON, got " + f.data);
  json::object body{{"event", f.event}, {"data", std::move(data)}};
  if (!f.users.empty()) body["users"] = json::value_from(f.users);
  if (!f.rooms.empty()) body["rooms"] = json::value_from(f.rooms);
  const std::string host = f.host.empty() ? c.server.address : f.host;
  const auto res = post(host, f.port ? f.port : c.server.port, key->second, json::serialize(body));
  std::cout << res.body() << "\n";
  if (res.result() != beast::http::status::accepted) throw CLI::RuntimeError(1);
}

}  // namespace

void add_emit_command(CLI::App& app) {
  auto f = std::make_shared<emit_flags>();
  auto* emit = app.add_subcommand("emit", "send an event to users or rooms through a running server's REST API");
  f->cfg.add_to(*emit);
  emit->add_option("event", f->event, "event name")->required();
  auto* users = emit->add_option("--user", f->users, "a user id (repeatable)");
  auto* rooms = emit->add_option("--room", f->rooms, "a room (repeatable)");
  users->excludes(rooms);
  emit->add_option("--data", f->data, "the payload, as JSON")->capture_default_str();
  emit->add_option("--key-name", f->key_name, "which api.keys entry to use (default: the first)");
  emit->add_option("--host", f->host, "server host (default: server.address)");
  emit->add_option("--port", f->port, "server port (default: server.port)");
  emit->callback([f] {
    if (f->users.empty() && f->rooms.empty()) throw CLI::ValidationError("emit", "name at least one --user or --room");
    run(*f);
  });
}

}  // namespace switchboard::app
