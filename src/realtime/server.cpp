#include "switchboard/realtime/server.hpp"

#include <atomic>
#include <mutex>
#include <boost/asio/thread_pool.hpp>
#include <stdexcept>
#include <thread>

#include "switchboard/auth/revocation_watcher.hpp"
#include "switchboard/log/log.hpp"
#include "switchboard/realtime/options.hpp"

namespace switchboard::realtime {
namespace {

namespace json = boost::json;

std::atomic<std::shared_ptr<server>> current_server;
std::mutex attach_mutex;  // start-up only: one attach at a time, published once complete

// The targets as a log field: users=42,43 / rooms=chat:1 / to=everyone.
log::field describe(const target& to) {
  const auto join = [](const std::vector<std::string>& names) {
    std::string out;
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (i) out += ',';
      out += names[i];
    }
    return out;
  };
  if (const auto* users = std::get_if<to_users>(&to)) return {"users", join(users->ids)};
  if (const auto* rooms = std::get_if<to_rooms>(&to)) return {"rooms", join(rooms->names)};
  return {"to", "everyone"};
}

std::atomic<std::uint64_t> emitted_total{0};
std::atomic<std::uint64_t> failed_total{0};

std::error_code failed(std::string_view event, const target& to, std::error_code ec) {
  failed_total.fetch_add(1, std::memory_order_relaxed);
  log::warn("emit failed", {{"event", event}, describe(to), {"reason", ec.message()}});
  return ec;
}

}  // namespace

struct server::impl {
  boost::asio::thread_pool workers;
  std::string user_prefix;
  std::atomic<bool> stopping{false};
  // Emits between their check of `stopping` and the end of their posts: stop() waits for them,
  // so that no emit reaches the shards after the host has been told it may stop them.
  std::atomic<std::size_t> emits_in_flight{0};
  std::shared_ptr<auth::revocation_watcher> revocations;  // with a session store only

  explicit impl(std::size_t threads) : workers(threads == 0 ? 1 : threads) {}
};

server::server(std::unique_ptr<impl> i) : impl_(std::move(i)) {}

server::~server() { stop(); }

std::shared_ptr<server> server::attach(http::server& http, options opts) {
  std::lock_guard lock(attach_mutex);
  if (current_server.load()) throw std::logic_error("a realtime server is attached already: attach one per process");
  auto s = std::shared_ptr<server>(new server(std::make_unique<impl>(opts.worker_threads)));
  opts.auth.workers = s->impl_->workers.get_executor();
  s->impl_->user_prefix = opts.guard.user_room_prefix;
  s->io_ = sio::server::attach(http, std::move(opts.sio));
  auto sessions = opts.auth.sessions;
  const auth::guard guard =
      auth::protect(*s->io_, std::make_shared<const auth::authenticator>(std::move(opts.auth)), std::move(opts.guard));
  if (sessions) {
    s->impl_->revocations = std::make_shared<auth::revocation_watcher>(
        std::move(sessions), s->impl_->workers.get_executor(), opts.revocation_poll,
        [guard](const std::vector<std::string>& ids) { guard.end_sessions(ids); });
    s->impl_->revocations->start();
  }
  current_server.store(s);
  return s;
}

void server::stop() {
  if (impl_->stopping.exchange(true)) return;
  while (impl_->emits_in_flight.load() != 0) std::this_thread::yield();
  std::shared_ptr<server> self = current_server.load();
  if (self.get() == this) current_server.compare_exchange_strong(self, nullptr);
  if (impl_->revocations) impl_->revocations->stop();
  if (io_) io_->close();
  impl_->workers.join();
}

std::size_t server::stop(std::chrono::milliseconds drain) {
  stop();
  return io_ ? io_->close(drain) : 0;  // stop() has told every client: this waits for them
}

std::uint64_t server::revocations_applied() const noexcept {
  return impl_->revocations ? impl_->revocations->revoked_total() : 0;
}

std::uint64_t server::revocation_errors() const noexcept {
  return impl_->revocations ? impl_->revocations->errors_total() : 0;
}

boost::asio::any_io_executor server::workers() noexcept { return impl_->workers.get_executor(); }

sio::server& server::io() noexcept { return *io_; }

server& server::on_connection(std::function<void(sio::socket&)> handler, const std::string& nsp) {
  io_->on_connection([nsp, handler = std::move(handler)](sio::socket& s) {
    if (s.nsp() == nsp) handler(s);
  });
  return *this;
}

server& server::on_event(std::string name, sio::event_handler handler, const std::string& nsp) {
  io_->of(nsp).on(std::move(name), std::move(handler));
  return *this;
}

module_rooms server::rooms(std::string prefix, authorize_fn authorize) {
  return module_rooms(io_->reserve_rooms(std::move(prefix)), std::move(authorize));
}

module_rooms server::rooms(std::string prefix, authorize_fn authorize,
                           const client_event<RoomRequest, RoomMembership>& join_event,
                           const client_event<RoomRequest, RoomMembership>& leave_event, const std::string& nsp) {
  module_rooms rooms = this->rooms(std::move(prefix), std::move(authorize));
  on(join_event, [rooms](sio::socket& s, const RoomRequest& request, ack<RoomMembership> answer) {
    rooms.join(s, request.roomId, [answer, room_id = request.roomId](std::optional<refusal> refused) {
      if (refused) return answer.fail(std::move(*refused));
      answer(RoomMembership{.roomId = room_id, .member = true});
    });
  }, nsp);
  on(leave_event, [rooms](sio::socket& s, const RoomRequest& request, ack<RoomMembership> answer) {
    rooms.leave(s, request.roomId);
    answer(RoomMembership{.roomId = request.roomId, .member = false});
  }, nsp);
  return rooms;
}

std::error_code server::emit_json(std::string_view event, const target& to, json::value payload,
                                  const emit_options& options) noexcept {
  struct in_flight {
    std::atomic<std::size_t>& count;
    explicit in_flight(std::atomic<std::size_t>& c) : count(c) { count.fetch_add(1); }
    ~in_flight() { count.fetch_sub(1); }
  } guard(impl_->emits_in_flight);
  try {
    if (impl_->stopping.load()) return failed(event, to, errc::shutting_down);
    const auto nsp = io_->find(options.nsp);
    if (!nsp) return failed(event, to, errc::unknown_namespace);
    sio::broadcast_operator op = nsp->all();
    if (const auto* users = std::get_if<to_users>(&to)) {
      if (users->ids.empty()) return failed(event, to, errc::no_target);
      for (const auto& id : users->ids) op = op.to(impl_->user_prefix + id);
    } else if (const auto* rooms = std::get_if<to_rooms>(&to)) {
      if (rooms->names.empty()) return failed(event, to, errc::no_target);
      for (const auto& room : rooms->names) op = op.to(room);
    }
    for (const auto& id : options.except_users) op = op.except(impl_->user_prefix + id);
    for (const auto& room : options.except_rooms) op = op.except(room);
    if (options.is_volatile) op = op.volatile_();

    sio::arguments args;
    args.values.push_back(std::move(payload));
    auto delivered = [event = std::string(event), targets = describe(to), then = options.delivered](std::size_t count) {
      log::debug("emitted", {{"event", event}, targets, {"recipients", count}});
      if (then) then(count);
    };
    if (const auto ec = op.emit(event, std::move(args), std::move(delivered))) {
      return failed(event, to, ec == sio::errc::cluster_unreachable ? errc::cluster_unreachable : errc::encode_failed);
    }
    emitted_total.fetch_add(1, std::memory_order_relaxed);
    return {};
  } catch (...) {
    return failed(event, to, errc::internal_error);
  }
}

std::error_code handle::emit_json(std::string_view event, const target& to, json::value payload,
                                  const emit_options& options) const noexcept {
  if (!server_) return failed(event, to, errc::not_attached);
  return server_->emit_json(event, to, std::move(payload), options);
}

handle current() noexcept { return handle(current_server.load()); }

emit_counts counts() noexcept {
  return {emitted_total.load(std::memory_order_relaxed), failed_total.load(std::memory_order_relaxed)};
}

}  // namespace switchboard::realtime
