#pragma once
// The realtime server: the one Socket.IO server of the process, attached to the host's HTTP
// server behind the auth guard, and the process-wide handle through which any module, in any
// translation unit and on any thread, emits typed events:
//
//   realtime::current().emit(chat_message, realtime::to_users{{"42"}}, ChatMessage{...});
//
// Emitting never throws: with no server attached, while it stops, or when delivery fails, emit()
// logs a warning (event, targets, reason) and returns the error; the caller's operation goes on.
#include <boost/asio/any_io_executor.hpp>
#include <memory>
#include <optional>

#include "switchboard/auth/guard.hpp"
#include "switchboard/realtime/emitter.hpp"
#include "switchboard/realtime/errors.hpp"
#include "switchboard/realtime/event.hpp"
#include "switchboard/realtime/payload.hpp"
#include "switchboard/realtime/typed.hpp"
#include "switchboard/sio/server.hpp"

namespace switchboard::realtime {

struct options {
  sio::options sio;                  // path, CORS, limits: everything of the Socket.IO server
  auth::authenticator_options auth;  // how tokens are verified; its `workers` is set by attach()
  auth::guard_options guard;
  std::size_t worker_threads = 2;    // blocking work: session lookups, module stores
  // How often the session store's revocation log is read: a revoked session's live sockets end
  // within about this long (with a session store only).
  std::chrono::milliseconds revocation_poll{1000};
};

// Asks a module whether a user may enter one of its rooms: call done(std::nullopt) to let them
// in, or done(refusal) to refuse; from any thread.
using authorize_fn = std::function<void(const std::string& user_id, const std::string& room_id,
                                        std::function<void(std::optional<refusal>)> done)>;

// What clients send to join or leave a module's room, and what they are answered.
struct RoomRequest {
  std::string roomId;
};
BOOST_DESCRIBE_STRUCT(RoomRequest, (), (roomId))
struct RoomMembership {
  std::string roomId;
  bool member = false;
};
BOOST_DESCRIBE_STRUCT(RoomMembership, (), (roomId, member))

// The rooms of one module, named <prefix><roomId>; only this object enters them.
// Thread-safe; join and leave run on the socket's shard.
class module_rooms {
 public:
  module_rooms(sio::reserved_rooms rooms, authorize_fn authorize);
  const std::string& prefix() const noexcept { return rooms_.prefix(); }
  std::string room(std::string_view room_id) const { return rooms_.room(room_id); }

  // Joins after the module's authorisation; `done` runs on the socket's shard.
  void join(sio::socket& s, std::string room_id, std::function<void(std::optional<refusal>)> done) const;
  void leave(sio::socket& s, std::string_view room_id) const { rooms_.leave(s, room_id); }

 private:
  sio::reserved_rooms rooms_;
  std::shared_ptr<const authorize_fn> authorize_;
};

class server : public std::enable_shared_from_this<server> {
 public:
  // Creates the Socket.IO server on `http` (at opts.sio.engine.path; the application's other
  // routes stay its own), installs the guard, and publishes the server as current(). Throws
  // std::logic_error when a realtime server is attached already.
  static std::shared_ptr<server> attach(http::server& http, options opts);
  ~server();

  // Empties current(), tells every client ("server shutting down") and waits for the workers.
  // Idempotent. Emitting afterwards returns errc::shutting_down.
  void stop();

  // Registers a typed handler for every connection to `nsp`. Before clients connect.
  template <class P, class A>
  server& on(const client_event<P, A>& event, typed_handler<P, A> handler, const std::string& nsp = "/") {
    io_->on_connection([nsp, event, handler = std::move(handler)](sio::socket& s) {
      if (s.nsp() == nsp) realtime::on(s, event, handler);
    });
    return *this;
  }

  // Reserves `prefix` for a module (e.g. "chat:") and returns its rooms. With `join_event` and
  // `leave_event`, clients may ask to join and leave through them, answered with RoomMembership
  // or the module's refusal.
  module_rooms rooms(std::string prefix, authorize_fn authorize);
  module_rooms rooms(std::string prefix, authorize_fn authorize,
                     const client_event<RoomRequest, RoomMembership>& join_event,
                     const client_event<RoomRequest, RoomMembership>& leave_event, const std::string& nsp = "/");

  sio::server& io() noexcept { return *io_; }
  boost::asio::any_io_executor workers() noexcept;
  // Session revocations applied to live sockets, and failed reads of the revocation log.
  std::uint64_t revocations_applied() const noexcept;
  std::uint64_t revocation_errors() const noexcept;

  // The untyped core of emit(): `payload` is the event's single argument.
  std::error_code emit_json(std::string_view event, const target& to, boost::json::value payload,
                            const emit_options& options) noexcept;

 private:
  struct impl;
  explicit server(std::unique_ptr<impl> i);
  std::unique_ptr<impl> impl_;
  std::shared_ptr<sio::server> io_;
};

// A (possibly empty) reference to the realtime server. Copyable, any thread.
class handle {
 public:
  handle() = default;
  explicit handle(std::shared_ptr<server> s) : server_(std::move(s)) {}
  explicit operator bool() const noexcept { return server_ != nullptr; }
  server* get() const noexcept { return server_.get(); }

  template <class P>
  std::error_code emit(const server_event<P>& event, const target& to, const P& payload,
                       const emit_options& options = {}) const noexcept {
    try {
      return emit_json(event.name, to, to_json(payload), options);
    } catch (...) {  // to_json allocates: out of memory must not reach the caller either
      return errc::internal_error;
    }
  }

  std::error_code emit_json(std::string_view event, const target& to, boost::json::value payload,
                            const emit_options& options = {}) const noexcept;

 private:
  std::shared_ptr<server> server_;
};

// The process-wide handle: empty before attach() and after stop().
handle current() noexcept;

// Emissions of this process since it started, for metrics. Any thread.
struct emit_counts {
  std::uint64_t emitted = 0;
  std::uint64_t failed = 0;
};
emit_counts counts() noexcept;

}  // namespace switchboard::realtime
