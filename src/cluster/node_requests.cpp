// Requests a node sends and the replies it gathers: fetch_sockets, all_rooms, server_side_emit
// with an answer, and broadcasts with ack. Each request lives in `pending_`, on the node's strand:
// NUMSUB says how many other nodes to wait for, a timer ends it with what came.
#include <boost/asio/post.hpp>

#include "cluster_core.hpp"
#include "switchboard/log/log.hpp"

namespace switchboard::cluster {

namespace asio = boost::asio;

namespace {

const char* type_name(request_type t) {
  switch (t) {
    case request_type::all_rooms: return "ALL_ROOMS";
    case request_type::remote_fetch: return "REMOTE_FETCH";
    case request_type::server_side_emit: return "SERVER_SIDE_EMIT";
    case request_type::broadcast: return "BROADCAST";
    default: return "other";
  }
}

}  // namespace

std::string node::start_request(std::shared_ptr<pending_request> pending,
                                std::function<request(const std::string&)> make, std::chrono::milliseconds timeout) {
  std::string id = new_request_id();
  asio::post(strand_, [self = shared_from_this(), id, pending = std::move(pending), make = std::move(make),
                       timeout]() mutable {
    if (self->pending_.contains(id)) return;  // random ids: a clash is not a concern in practice
    const std::weak_ptr<node> weak = self;
    pending->timer = std::make_unique<asio::steady_timer>(self->strand_, timeout);
    pending->timer->async_wait([weak, id](boost::system::error_code ec) {
      if (ec) return;
      if (const auto s = weak.lock()) s->expire(id);
    });
    self->pending_.emplace(id, std::move(pending));
    // As Node: count the nodes first, publish only when there is another one.
    self->count_nodes([weak, id, make = std::move(make)](std::size_t nodes) {
      const auto s = weak.lock();
      if (!s) return;
      const std::size_t others = nodes > 1 ? nodes - 1 : 0;
      asio::post(s->strand_, [s, id, others] { s->set_expected(id, others); });
      if (others == 0) return;
      s->publish_request(make(id), [weak, id](bool sent) {
        if (sent) return;
        if (const auto s = weak.lock()) asio::post(s->strand_, [s, id] { s->set_expected(id, 0); });
      });
    });
  });
  return id;
}

void node::set_expected(const std::string& id, std::size_t expected) {
  const auto it = pending_.find(id);
  if (it == pending_.end()) return;
  it->second->expected = expected;
  check(id);
}

void node::check(const std::string& id) {
  const auto it = pending_.find(id);
  if (it == pending_.end()) return;
  const auto request = it->second;
  const bool complete = request->complete ? request->complete(*request)
                                          : request->expected && request->replies >= *request->expected;
  if (!complete) return;
  pending_.erase(it);
  request->timer->cancel();
  request->finish(false);
}

void node::expire(const std::string& id) {
  const auto it = pending_.find(id);
  if (it == pending_.end()) return;
  const auto request = it->second;
  pending_.erase(it);
  core_->request_timeouts.fetch_add(1, std::memory_order_relaxed);
  log::warn("redis adapter: request timed out, partial results",
            {{"nsp", nsp_},
             {"type", type_name(request->type)},
             {"request_id", id},
             {"replies", request->replies},
             {"expected", request->expected ? std::to_string(*request->expected) : std::string("unknown")}});
  request->finish(true);
}

void node::handle_response(response message) {
  asio::post(strand_, [self = shared_from_this(), message = std::move(message)]() mutable {
    self->apply_response(message);
  });
}

void node::apply_response(response& message) {
  const std::string id = std::visit([](const auto& r) { return r.request_id; }, message);
  const auto it = pending_.find(id);
  if (it == pending_.end()) return;  // another node's, or one that ended
  core_->received.fetch_add(1, std::memory_order_relaxed);
  it->second->on_reply(*it->second, message);
  check(id);
}

void node::on_response(std::string_view payload) {
  asio::post(strand_, [self = shared_from_this(), bytes = std::string(payload)] {
    response message;
    const auto lookup = [&](std::string_view id) -> std::optional<request_type> {
      const auto it = self->pending_.find(std::string(id));
      if (it == self->pending_.end()) return std::nullopt;
      return it->second->type;
    };
    if (const auto ec = decode_response(bytes, lookup, message, self->core_->options.limits)) {
      // Replies to other nodes' requests share the channel: not ours, not an error.
      if (ec != make_error_code(message_errc::unknown_request)) {
        self->core_->invalid_messages.fetch_add(1, std::memory_order_relaxed);
        log::debug("redis adapter: invalid reply", {{"nsp", self->nsp_}, {"reason", ec.message()}});
      }
      return;
    }
    self->apply_response(message);
  });
}

// ---- the requests ----

void node::fetch_sockets(const sio::broadcast_target& target, std::function<void(std::vector<sio::socket_info>)> done) {
  if (target.flags.local) return local_->fetch_sockets(target, std::move(done));
  struct state {
    std::vector<sio::socket_info> sockets;
    bool local_done = false;
  };
  auto s = std::make_shared<state>();
  auto request = std::make_shared<pending_request>();
  request->type = request_type::remote_fetch;
  request->on_reply = [s](pending_request& p, response& r) {
    auto* answer = std::get_if<remote_fetch_response>(&r);
    if (!answer) return;
    ++p.replies;
    for (auto& remote : answer->sockets) {
      sio::socket_info info{std::move(remote.id), {remote.rooms.begin(), remote.rooms.end()}, {}, std::move(remote.handshake)};
      if (auto* o = remote.data.if_object()) info.data = std::move(*o);
      s->sockets.push_back(std::move(info));
    }
  };
  request->complete = [s](const pending_request& p) { return s->local_done && p.expected && p.replies >= *p.expected; };
  request->finish = [s, done = std::move(done)](bool) { done(std::move(s->sockets)); };
  const sio::broadcast_target asked{target.rooms, target.except, {}};
  const std::string id = start_request(
      request,
      [uid = uid_, asked](const std::string& request_id) -> cluster::request {
        return remote_fetch_request{uid, request_id, asked};
      },
      core_->options.request_timeout);
  local_->fetch_sockets(target, [weak = weak_from_this(), s, id](std::vector<sio::socket_info> found) {
    const auto self = weak.lock();
    if (!self) return;
    asio::post(self->strand_, [self, s, id, found = std::move(found)]() mutable {
      // Local sockets first, as Node lists them.
      found.insert(found.end(), std::make_move_iterator(s->sockets.begin()), std::make_move_iterator(s->sockets.end()));
      s->sockets = std::move(found);
      s->local_done = true;
      self->check(id);
    });
  });
}

void node::all_rooms(std::function<void(std::error_code, std::set<std::string>)> done) {
  struct state {
    std::set<std::string> rooms;
    bool local_done = false;
  };
  auto s = std::make_shared<state>();
  auto request = std::make_shared<pending_request>();
  request->type = request_type::all_rooms;
  request->on_reply = [s](pending_request& p, response& r) {
    auto* answer = std::get_if<all_rooms_response>(&r);
    if (!answer) return;
    ++p.replies;
    s->rooms.insert(answer->rooms.begin(), answer->rooms.end());
  };
  request->complete = [s](const pending_request& p) { return s->local_done && p.expected && p.replies >= *p.expected; };
  request->finish = [s, done = std::move(done)](bool timed_out) {
    done(timed_out ? make_error_code(cluster_errc::request_timeout) : std::error_code(), std::move(s->rooms));
  };
  const std::string id = start_request(
      request,
      [uid = uid_](const std::string& request_id) -> cluster::request { return all_rooms_request{uid, request_id}; },
      core_->options.request_timeout);
  local_->room_names([weak = weak_from_this(), s, id](std::set<std::string> rooms) {
    const auto self = weak.lock();
    if (!self) return;
    asio::post(self->strand_, [self, s, id, rooms = std::move(rooms)]() mutable {
      s->rooms.merge(rooms);
      s->local_done = true;
      self->check(id);
    });
  });
}

void node::server_side_emit(boost::json::array data, server_side_emit_callback done) {
  if (!done) return publish_request(server_side_emit_request{uid_, std::nullopt, std::move(data)});
  auto answers = std::make_shared<std::vector<boost::json::value>>();
  auto request = std::make_shared<pending_request>();
  request->type = request_type::server_side_emit;
  request->on_reply = [answers](pending_request& p, response& r) {
    auto* answer = std::get_if<server_side_emit_response>(&r);
    if (!answer) return;
    ++p.replies;
    answers->push_back(answer->data ? std::move(*answer->data) : boost::json::value());
  };
  request->finish = [answers, done = std::move(done)](bool timed_out) {
    done(timed_out ? make_error_code(cluster_errc::request_timeout) : std::error_code(), std::move(*answers));
  };
  start_request(
      request,
      [uid = uid_, data = std::move(data)](const std::string& request_id) -> cluster::request {
        return server_side_emit_request{uid, request_id, data};
      },
      core_->options.request_timeout);
}

// Local recipients with the namespace's ack id, other nodes with a BROADCAST request: each says
// how many clients it asked (BROADCAST_CLIENT_COUNT), then sends their answers (BROADCAST_ACK).
// `progress` covers this node's sockets only (what another node's request would want of it).
void node::broadcast_with_ack(const wire::sio::packet& packet, wire::frame_ptr frame, std::uint64_t ack_id,
                              const sio::broadcast_target& target, sio::broadcast_ack_callback done,
                              sio::broadcast_ack_progress progress) {
  if (target.flags.local) {
    return local_->broadcast_with_ack(packet, std::move(frame), ack_id, target, std::move(done), std::move(progress));
  }
  struct state {
    std::vector<sio::arguments> answers;
    bool local_done = false;
    bool local_timed_out = false;
    std::size_t counts = 0;          // nodes that said how many clients they asked
    std::size_t remote_clients = 0;  // the sum of what they said
    std::size_t remote_acks = 0;
  };
  auto s = std::make_shared<state>();
  auto request = std::make_shared<pending_request>();
  request->type = request_type::broadcast;
  request->on_reply = [s](pending_request& p, response& r) {
    if (auto* count = std::get_if<broadcast_client_count_response>(&r)) {
      ++p.replies;
      ++s->counts;
      s->remote_clients += count->client_count;
    } else if (auto* ack = std::get_if<broadcast_ack_response>(&r)) {
      ++s->remote_acks;
      sio::arguments a;
      if (ack->value) a.values.push_back(std::move(*ack->value));
      a.binaries = std::move(ack->attachments);
      s->answers.push_back(std::move(a));
    }
  };
  request->complete = [s](const pending_request& p) {
    return s->local_done && p.expected && s->counts >= *p.expected && s->remote_acks >= s->remote_clients;
  };
  request->finish = [s, done = std::move(done)](bool timed_out) {
    done(timed_out || s->local_timed_out ? make_error_code(sio::errc::ack_timeout) : std::error_code(),
         std::move(s->answers));
  };
  const std::string id = start_request(
      request,
      [uid = uid_, packet, target](const std::string& request_id) -> cluster::request {
        return broadcast_request{uid, request_id, packet, target};
      },
      target.flags.timeout);
  local_->broadcast_with_ack(packet, std::move(frame), ack_id, target,
                             [weak = weak_from_this(), s, id](std::error_code ec, std::vector<sio::arguments> answers) {
                               const auto self = weak.lock();
                               if (!self) return;
                               asio::post(self->strand_, [self, s, id, ec, answers = std::move(answers)]() mutable {
                                 for (auto& a : answers) s->answers.push_back(std::move(a));
                                 s->local_done = true;
                                 s->local_timed_out = static_cast<bool>(ec);
                                 self->check(id);
                               });
                             },
                             std::move(progress));
}

}  // namespace switchboard::cluster
