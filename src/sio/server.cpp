#include "switchboard/sio/server.hpp"

#include <atomic>
#include <boost/asio/post.hpp>
#include <mutex>
#include <unordered_map>

#include "client.hpp"
#include "server_config.hpp"
#include "socket_impl.hpp"

namespace switchboard::sio {

struct server::impl {
  impl(http::shard_pool& s, options o) : shards(s), config(std::move(o)), clients(s.size()) {}

  http::shard_pool& shards;
  detail::server_config config;

  // Namespaces are looked up on connect only, never per message: a mutex is fine here.
  std::mutex namespaces_mutex;
  std::unordered_map<std::string, std::shared_ptr<detail::namespace_state>> namespaces;
  std::function<bool(std::string_view)> dynamic_accept;
  std::function<void(namespace_)> dynamic_setup;

  // The Socket.IO side of each Engine.IO session, per shard; touched only on that shard.
  std::vector<std::unordered_map<const engine::session*, std::shared_ptr<detail::client>>> clients;

  std::shared_ptr<detail::namespace_state> get(const std::string& name, bool create) {
    std::lock_guard lock(namespaces_mutex);
    if (const auto it = namespaces.find(name); it != namespaces.end()) return it->second;
    const bool dynamic = !create && dynamic_accept && dynamic_accept(name);
    if (!create && !dynamic) return nullptr;
    auto state = detail::make_namespace(name, shards, config);
    if (dynamic && dynamic_setup) dynamic_setup(namespace_(state));  // configured before anyone joins
    namespaces.emplace(name, state);
    return state;
  }
};

server::server(http::shard_pool& shards, options opts) : impl_(std::make_unique<impl>(shards, std::move(opts))) {}

server::~server() = default;

std::shared_ptr<server> server::attach(http::server& http, options opts) {
  auto s = std::make_shared<server>(http.shards(), opts);
  s->engine_ = engine::server::attach(http, opts.engine, s).get();
  s->of("/");
  return s;
}

namespace_ server::of(const std::string& name) {
  return namespace_(impl_->get(name.empty() || name.front() != '/' ? "/" + name : name, true));
}

std::optional<namespace_> server::find(const std::string& name) {
  std::lock_guard lock(impl_->namespaces_mutex);
  const auto it = impl_->namespaces.find(name);
  if (it == impl_->namespaces.end()) return std::nullopt;
  return namespace_(it->second);
}

void server::dynamic_namespaces(std::function<bool(std::string_view)> accept, std::function<void(namespace_)> setup) {
  std::lock_guard lock(impl_->namespaces_mutex);
  impl_->dynamic_accept = std::move(accept);
  impl_->dynamic_setup = std::move(setup);
}

std::size_t server::encoded_broadcasts() const noexcept {
  return impl_->config.encoded_broadcasts.load(std::memory_order_relaxed);
}

server& server::use(middleware m) {
  impl_->config.middlewares.push_back(std::move(m));
  return *this;
}

server& server::on_connection(connection_handler h) {
  impl_->config.connection_hooks.push_back(std::move(h));
  return *this;
}

reserved_rooms server::reserve_rooms(std::string prefix) {
  if (prefix.empty()) throw std::logic_error("a reserved room prefix cannot be empty");
  for (const auto& taken : impl_->config.reserved_prefixes) {
    if (taken.starts_with(prefix) || prefix.starts_with(taken)) {
      throw std::logic_error("room prefix '" + prefix + "' overlaps the reserved prefix '" + taken + "'");
    }
  }
  impl_->config.reserved_prefixes.push_back(prefix);
  return reserved_rooms(std::move(prefix));
}

void reserved_rooms::join(socket& s, std::string_view suffix) const {
  static_cast<detail::socket_impl&>(s).enter_room(room(suffix));
}

void reserved_rooms::leave(socket& s, std::string_view suffix) const {
  static_cast<detail::socket_impl&>(s).leave_room(room(suffix));
}

void server::close() { engine_->close_all(); }

void server::on_open(const engine::session_ptr& s) {
  auto c = std::make_shared<detail::client>(
      s, [this](const std::string& name) { return impl_->get(name, false); }, impl_->config);
  impl_->clients[s->shard()].emplace(s.get(), c);
  c->start();
}

void server::on_message(const engine::session_ptr& s, bool binary, std::string data) {
  auto& clients = impl_->clients[s->shard()];
  if (const auto it = clients.find(s.get()); it != clients.end()) {
    const auto c = it->second;  // the message may end the session, and the client with it
    c->on_message(binary, std::move(data));
  }
}

void server::on_close(const engine::session_ptr& s, std::string_view reason) {
  auto& clients = impl_->clients[s->shard()];
  const auto it = clients.find(s.get());
  if (it == clients.end()) return;
  const auto c = std::move(it->second);
  clients.erase(it);
  c->on_close(reason);
}

const std::string& namespace_::name() const noexcept { return state_->name; }

namespace_& namespace_::use(middleware m) {
  state_->middlewares.push_back(std::move(m));
  return *this;
}

void namespace_::counts(std::function<void(std::size_t sockets, std::size_t rooms)> done) const {
  state_->adapter->counts(std::move(done));
}

namespace_& namespace_::on_connection(connection_handler h) {
  state_->on_connection = std::move(h);
  return *this;
}

}  // namespace switchboard::sio
