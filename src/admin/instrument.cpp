#include "switchboard/admin/instrument.hpp"

#include <atomic>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/serialize.hpp>
#include <mutex>
#include <stdexcept>

#include "admin_login.hpp"
#include "reports.hpp"
#include "server_stats.hpp"
#include "switchboard/log/log.hpp"

namespace switchboard::admin {
namespace {

namespace json = boost::json;
using detail::js_date;

// Reports per second over every shard: a one-second window, approximate at its edges.
class report_budget {
 public:
  explicit report_budget(std::uint32_t per_second) : per_second_(per_second) {}
  bool take() {
    const auto second = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
    auto window = window_.load(std::memory_order_relaxed);
    if (window != second && window_.compare_exchange_strong(window, second, std::memory_order_relaxed)) {
      used_.store(0, std::memory_order_relaxed);
    }
    return used_.fetch_add(1, std::memory_order_relaxed) < per_second_;
  }

 private:
  const std::uint32_t per_second_;
  std::atomic<std::int64_t> window_{0};
  std::atomic<std::uint32_t> used_{0};
};

class instrumentation_impl final : public instrumentation,
                                   public sio::observer,
                                   public std::enable_shared_from_this<instrumentation_impl> {
 public:
  instrumentation_impl(sio::server& io, boost::asio::any_io_executor timer, boost::asio::any_io_executor workers, options opts)
      : io_(io),
        opts_(std::move(opts)),
        timer_(timer),
        login_(opts_, std::move(workers)),
        budget_(opts_.max_reports_per_second),
        stats_(io, opts_.server_id.empty() ? detail::default_server_id() : opts_.server_id) {}

  void install() {
    io_.observe(shared_from_this());
    auto admin_namespace = io_.of(opts_.namespace_name);
    if (login_.required()) admin_namespace.use(login_.middleware());
    admin_namespace.on_connection([weak = weak_from_this()](sio::socket& s) {
      if (auto self = weak.lock()) self->welcome(s);
    });
    if (!opts_.read_only) install_actions(admin_namespace);
    send_stats();  // once at start, then every interval
    arm_timer();
  }

  admin::counters counters() const override {
    admin::counters c = login_.counters();
    c.reports = reports_.load(std::memory_order_relaxed);
    c.dropped_reports = dropped_reports_.load(std::memory_order_relaxed);
    c.actions = actions_.load(std::memory_order_relaxed);
    return c;
  }

  void stop() override {
    boost::asio::post(timer_.get_executor(), [self = shared_from_this()] { self->timer_.cancel(); });
  }

  // ---- sio::observer: on the socket's shard ----

  void socket_connected(sio::socket& s) override {
    stats_.socket_connected(s.nsp());
    s.data()["_admin"] = detail::admin_data(s);
    if (watching()) report("socket_connected", {detail::serialize_socket(s), now()});
  }

  void socket_disconnected(sio::socket& s, std::string_view reason) override {
    stats_.socket_disconnected(s.nsp());
    if (watching()) report("socket_disconnected", {json::value(s.nsp()), json::value(s.id()), json::value(reason), now()});
  }

  void transport_upgraded(sio::socket& s) override {
    s.data()["_admin"] = detail::admin_data(s);
    if (watching()) report("socket_updated", {json::object{{"id", s.id()}, {"nsp", s.nsp()}, {"transport", "websocket"}}});
  }

  void room_joined(sio::socket& s, const std::string& room) override {
    if (watching()) report("room_joined", {json::value(s.nsp()), json::value(room), json::value(s.id()), now()});
  }

  void room_left(sio::socket& s, const std::string& room) override {
    if (watching()) report("room_left", {json::value(s.nsp()), json::value(room), json::value(s.id()), now()});
  }

  void event_received(sio::socket& s, std::string_view event, const sio::arguments& args) override {
    if (s.nsp() == opts_.namespace_name || !watching()) return;
    json::array named{json::value(event)};
    for (const auto& v : args.values) named.push_back(v);
    report_event("event_received", s, std::move(named), args.binaries);
  }

  // Production mode reports no events: broadcasts need not keep their packet for it.
  bool wants_broadcast_events() const override { return opts_.mode == mode::development; }

  void event_sent(sio::socket& s, const wire::sio::packet& p) override {
    if (s.nsp() == opts_.namespace_name || !p.data || !p.data->is_array() || !watching()) return;
    report_event("event_sent", s, p.data->as_array(), p.attachments);
  }

 private:
  static json::value now() { return json::value(js_date(std::chrono::system_clock::now())); }

  // In development mode, within the budget (counted either way). Reports are made whether or not
  // a UI is connected to this node: a UI on another node of the cluster gets them too.
  bool watching() {
    if (opts_.mode != mode::development) return false;
    if (budget_.take()) return true;
    dropped_reports_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }

  void report(std::string_view event, json::array values, std::vector<std::string> binaries = {}) {
    reports_.fetch_add(1, std::memory_order_relaxed);
    (void)io_.of(opts_.namespace_name).emit(event, sio::arguments{std::move(values), std::move(binaries)});
  }

  // [nsp, id, [event, ...args], date]; by name only when the arguments are larger than allowed.
  void report_event(std::string_view kind, const sio::socket& s, json::array named, const std::vector<std::string>& binaries) {
    std::size_t bytes = json::serialize(named).size();
    for (const auto& b : binaries) bytes += b.size();
    std::vector<std::string> carried = binaries;
    if (bytes > opts_.max_report_bytes) {
      named.resize(1);
      carried.clear();
    }
    report(kind, {json::value(s.nsp()), json::value(s.id()), std::move(named), now()}, std::move(carried));
  }

  // A UI socket: its session id (after a password login), what this server supports, and (in
  // development mode) every socket of the cluster.
  void welcome(sio::socket& s) {
    if (const auto* session = s.data().if_contains("_admin_session"); session && session->is_string()) {
      (void)s.emit("session", sio::arguments{json::array{*session}, {}});
      s.data().erase("_admin_session");
    }
    (void)s.emit("config", sio::arguments{json::array{json::object{{"supportedFeatures", supported_features()}}}, {}});
    if (opts_.mode == mode::development) send_all_sockets(s);
  }

  json::array supported_features() const {
    json::array features;
    if (!opts_.read_only) {
      for (const char* f : {"JOIN", "LEAVE", "DISCONNECT", "MJOIN", "MLEAVE", "MDISCONNECT"}) features.emplace_back(f);
    }
    features.emplace_back("AGGREGATED_EVENTS");
    if (opts_.mode == mode::development) features.emplace_back("ALL_EVENTS");
    return features;
  }

  // fetch_sockets of every namespace (cluster-wide), gathered, then sent on the UI socket's shard.
  void send_all_sockets(sio::socket& s) {
    const auto names = io_.namespace_names();
    struct gathering {
      std::mutex mutex;
      json::array sockets;
      std::size_t waiting;
    };
    auto all = std::make_shared<gathering>();
    all->waiting = names.size();
    std::weak_ptr<sio::socket> ui = s.shared_from_this();
    for (const auto& name : names) {
      auto nsp = io_.find(name);
      if (!nsp) {
        std::lock_guard lock(all->mutex);
        --all->waiting;
        continue;
      }
      nsp->all().fetch_sockets([all, ui, name](std::vector<sio::socket_info> found) {
        std::lock_guard lock(all->mutex);
        for (const auto& info : found) all->sockets.push_back(detail::serialize_socket(info, name));
        if (--all->waiting > 0) return;
        auto target = ui.lock();
        if (!target) return;
        boost::asio::post(target->executor(), [target, sockets = std::move(all->sockets)]() mutable {
          sio::arguments args;
          args.values.emplace_back(std::move(sockets));  // one argument, the array (a braced list would move it whole)
          (void)target->emit("all_sockets", std::move(args));
        });
      });
    }
  }

  // join(nsp, room, filter?), leave(nsp, room, filter?), _disconnect(nsp, close, filter?): on the
  // sockets of `filter` (a room, or a socket id) or of the whole namespace, over the cluster.
  void install_actions(sio::namespace_ admin_namespace) {
    const auto weak = weak_from_this();
    admin_namespace.on("join", [weak](sio::socket& s, sio::arguments& args, sio::ack_sender) {
      if (auto self = weak.lock()) self->act(s, "join", args);
    });
    admin_namespace.on("leave", [weak](sio::socket& s, sio::arguments& args, sio::ack_sender) {
      if (auto self = weak.lock()) self->act(s, "leave", args);
    });
    admin_namespace.on("_disconnect", [weak](sio::socket& s, sio::arguments& args, sio::ack_sender) {
      if (auto self = weak.lock()) self->act(s, "_disconnect", args);
    });
  }

  void act(const sio::socket& by, std::string_view action, const sio::arguments& args) {
    const auto& v = args.values;
    const auto string_at = [&v](std::size_t i) -> const json::string* {
      return i < v.size() && v[i].is_string() ? &v[i].get_string() : nullptr;
    };
    const json::string* nsp_name = string_at(0);
    auto nsp = nsp_name ? io_.find(std::string(*nsp_name)) : std::nullopt;  // never created by the UI
    if (!nsp || (action != "_disconnect" && !string_at(1)) || (action == "_disconnect" && (v.size() < 2 || !v[1].is_bool()))) {
      log::warn("admin: action ignored", {{"action", action}, {"reason", nsp ? "bad arguments" : "unknown namespace"},
                                          {"correlation_id", by.correlation_id()}});
      return;
    }
    const json::string* filter = string_at(2);
    const sio::broadcast_operator targets = filter ? nsp->in(std::string(*filter)) : nsp->all();
    std::error_code ec;
    if (action == "join") ec = targets.sockets_join(std::string(*string_at(1)));
    if (action == "leave") ec = targets.sockets_leave(std::string(*string_at(1)));
    if (action == "_disconnect") targets.disconnect_sockets(v[1].get_bool());
    if (ec) {
      log::warn("admin: action refused", {{"action", action}, {"error", ec.message()}, {"correlation_id", by.correlation_id()}});
      return;
    }
    actions_.fetch_add(1, std::memory_order_relaxed);
    log::info("admin: action", {{"action", action}, {"nsp", nsp->name()}, {"filter", filter ? std::string(*filter) : ""},
                                {"correlation_id", by.correlation_id()}});
  }

  void arm_timer() {
    timer_.expires_after(opts_.stats_interval);
    timer_.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
      auto self = weak.lock();
      if (ec || !self) return;
      self->send_stats();
      self->arm_timer();
    });
  }

  void send_stats() {
    (void)io_.of(opts_.namespace_name).emit("server_stats", sio::arguments{json::array{stats_.take()}, {}});
  }

  sio::server& io_;
  const options opts_;
  boost::asio::steady_timer timer_;
  detail::admin_login login_;
  report_budget budget_;
  detail::server_stats stats_;
  std::atomic<std::uint64_t> reports_{0}, dropped_reports_{0}, actions_{0};
};

}  // namespace

std::shared_ptr<instrumentation> instrumentation::attach(sio::server& io, boost::asio::any_io_executor timer,
                                                         boost::asio::any_io_executor workers, options opts) {
  if (!opts.password_hash.empty() && !is_bcrypt_hash(opts.password_hash)) {
    throw std::invalid_argument("admin: password_hash is not a bcrypt hash ($2a$, $2b$ or $2y$)");
  }
  if (opts.username.empty() != opts.password_hash.empty()) {
    throw std::invalid_argument("admin: username and password_hash go together");
  }
  if (opts.namespace_name.empty() || opts.namespace_name.front() != '/') opts.namespace_name.insert(0, "/");
  auto self = std::make_shared<instrumentation_impl>(io, std::move(timer), std::move(workers), std::move(opts));
  self->install();
  return self;
}

}  // namespace switchboard::admin
