#include "switchboard/sio/server.hpp"

#include <algorithm>
#include <atomic>
#include <boost/asio/post.hpp>
#include <future>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "client.hpp"
#include "observer_list.hpp"
#include "server_config.hpp"
#include "socket_impl.hpp"
#include "user_code.hpp"

namespace switchboard::sio {

namespace {

// The namespaces by name. Namespaces are looked up on connect only, never per message: a mutex
// is fine. Shared with the leases of dynamic namespaces, which may outlive the server.
struct registry : std::enable_shared_from_this<registry> {
  registry(http::shard_pool& s, detail::server_config& c) : shards(s), config(c) {}

  http::shard_pool& shards;
  detail::server_config& config;
  std::mutex mutex;
  std::unordered_map<std::string, std::shared_ptr<detail::namespace_state>> namespaces;
  std::function<bool(std::string_view)> dynamic_accept;
  std::function<void(namespace_)> dynamic_setup;

  // `create`: of(), which makes the namespace permanent. Otherwise a client's CONNECT, which may
  // create a dynamic one; user code (accept, setup) runs outside the lock, and may throw.
  detail::namespace_ref get(const std::string& name, bool create) {
    std::function<bool(std::string_view)> accept;
    std::function<void(namespace_)> setup;
    {
      std::lock_guard lock(mutex);
      if (const auto it = namespaces.find(name); it != namespaces.end()) {
        if (create && it->second->dynamic) {
          it->second->dynamic = false;
          config.dynamic_namespaces.fetch_sub(1, std::memory_order_relaxed);
        }
        return {it->second, lease(it->second)};
      }
      if (create) {
        auto state = detail::make_namespace(name, shards, config);
        namespaces.emplace(name, state);
        return {state, nullptr};
      }
      accept = dynamic_accept;
      setup = dynamic_setup;
    }
    if (!accept || !accept(name)) return {};
    auto state = detail::make_namespace(name, shards, config);
    state->dynamic = true;
    if (setup) setup(namespace_(state));  // configured before anyone joins
    // Created, then inserted if absent: a creator that lost the race joins the winner's.
    std::lock_guard lock(mutex);
    const auto [it, inserted] = namespaces.emplace(name, state);
    if (inserted) config.dynamic_namespaces.fetch_add(1, std::memory_order_relaxed);
    return {it->second, lease(it->second)};
  }

  // Under the lock. A dynamic namespace is freed when its last lease goes.
  std::shared_ptr<void> lease(const std::shared_ptr<detail::namespace_state>& state) {
    if (!state->dynamic) return nullptr;
    ++state->leases;
    return {state.get(), [weak = weak_from_this(), state](void*) {
              if (const auto self = weak.lock()) self->release(state);
            }};
  }

  void release(const std::shared_ptr<detail::namespace_state>& state) {
    std::lock_guard lock(mutex);
    if (--state->leases != 0 || !state->dynamic) return;
    const auto it = namespaces.find(state->name);
    if (it == namespaces.end() || it->second != state) return;
    namespaces.erase(it);
    config.dynamic_namespaces.fetch_sub(1, std::memory_order_relaxed);
  }
};

}  // namespace

struct server::impl {
  impl(http::shard_pool& s, options o)
      : shards(s), config(std::move(o)), names(std::make_shared<registry>(s, config)), clients(s.size()) {}

  http::shard_pool& shards;
  detail::server_config config;
  std::shared_ptr<registry> names;

  // The Socket.IO side of each Engine.IO session, per shard; touched only on that shard.
  std::vector<std::unordered_map<const engine::session*, std::shared_ptr<detail::client>>> clients;
};

server::server(http::shard_pool& shards, options opts) : impl_(std::make_unique<impl>(shards, std::move(opts))) {}

server::~server() = default;

std::shared_ptr<server> server::attach(http::server& http, options opts) {
  auto s = std::make_shared<server>(http.shards(), opts);
  s->engine_ = engine::server::attach(http, opts.engine, s).get();
  s->of("/");
  return s;
}

namespace {
// "chat" and "/chat" name one namespace, as in the reference server's of().
std::string namespace_name(const std::string& name) { return name.empty() || name.front() != '/' ? "/" + name : name; }
}  // namespace

namespace_ server::of(const std::string& name) { return namespace_(impl_->names->get(namespace_name(name), true).state); }

std::optional<namespace_> server::find(const std::string& name) {
  std::lock_guard lock(impl_->names->mutex);
  const auto it = impl_->names->namespaces.find(namespace_name(name));
  if (it == impl_->names->namespaces.end()) return std::nullopt;
  return namespace_(it->second);
}

std::vector<std::string> server::namespace_names() const {
  std::vector<std::string> names;
  {
    std::lock_guard lock(impl_->names->mutex);
    for (const auto& [name, state] : impl_->names->namespaces) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

void server::dynamic_namespaces(std::function<bool(std::string_view)> accept, std::function<void(namespace_)> setup) {
  std::lock_guard lock(impl_->names->mutex);
  impl_->names->dynamic_accept = std::move(accept);
  impl_->names->dynamic_setup = std::move(setup);
}

std::size_t server::encoded_broadcasts() const noexcept {
  return impl_->config.encoded_broadcasts.load(std::memory_order_relaxed);
}

std::size_t server::dynamic_namespaces_alive() const noexcept {
  return impl_->config.dynamic_namespaces.load(std::memory_order_relaxed);
}

std::size_t server::dropped_events() const noexcept {
  return impl_->config.dropped_events.load(std::memory_order_relaxed);
}

std::size_t server::event_limit_disconnects() const noexcept {
  return impl_->config.event_limit_disconnects.load(std::memory_order_relaxed);
}

std::size_t server::handler_errors() const noexcept {
  return impl_->config.handler_errors.load(std::memory_order_relaxed);
}

std::size_t server::attachment_refusals() const noexcept {
  return impl_->config.attachment_refusals.load(std::memory_order_relaxed);
}

server& server::use(middleware m) {
  of("/").use(std::move(m));
  return *this;
}

server& server::use_in_every_namespace(middleware m) {
  impl_->config.middlewares.push_back(std::move(m));
  return *this;
}

server& server::on_connection(connection_handler h) {
  impl_->config.connection_hooks.push_back(std::move(h));
  return *this;
}

server& server::observe(std::shared_ptr<observer> o) {
  auto& all = impl_->config.observers;
  all.push_back(std::move(o));
  impl_->config.watcher = all.size() == 1 ? all.front() : std::make_shared<detail::observer_list>(all);
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

void server::close() {
  if (engine_) engine_->close_all();
}

std::size_t server::close(std::chrono::milliseconds drain) {
  if (!engine_) return 0;
  // Every session ends by itself within `drain`: a polling one without a request waiting when its
  // grace runs out. The margin is for the shards to run those last timers.
  engine_->close_all(drain);
  const auto deadline = std::chrono::steady_clock::now() + drain + std::chrono::seconds(2);
  while (engine_->session_count() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  // One more turn of every shard: the writes that the last closes started go out before the caller
  // stops the shards. Shared: a shard that is already stopped runs it late or never.
  const auto turn_deadline = std::max(deadline, std::chrono::steady_clock::now() + std::chrono::seconds(1));
  for (std::size_t i = 0; i < impl_->shards.size(); ++i) {
    auto ran = std::make_shared<std::promise<void>>();
    auto done = ran->get_future();
    boost::asio::post(impl_->shards.shard(i), [ran] { ran->set_value(); });
    done.wait_until(turn_deadline);
  }
  return engine_->session_count();
}

void server::on_open(const engine::session_ptr& s) {
  auto c = std::make_shared<detail::client>(
      s, [names = impl_->names](const std::string& name) { return names->get(name, false); }, impl_->config);
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

void server::on_upgrade(const engine::session_ptr& s) {
  if (!impl_->config.watcher) return;
  const auto& clients = impl_->clients[s->shard()];
  if (const auto it = clients.find(s.get()); it != clients.end()) it->second->on_upgrade(*impl_->config.watcher);
}

const std::string& namespace_::name() const noexcept { return state_->name; }

namespace_& namespace_::use(middleware m) {
  state_->middlewares.push_back(std::move(m));
  return *this;
}

void namespace_::counts(std::function<void(std::size_t sockets, std::size_t rooms)> done) const {
  state_->adapter->counts(detail::guard_callback(state_, "counts", std::move(done)));
}

namespace_& namespace_::on_connection(connection_handler h) {
  state_->on_connection = std::move(h);
  return *this;
}

namespace_& namespace_::on(std::string event, event_handler handler) {
  state_->handlers[std::move(event)] = std::move(handler);
  return *this;
}

namespace_& namespace_::limit_events(event_limits limits) {
  state_->event_limit = limits;
  return *this;
}

}  // namespace switchboard::sio
