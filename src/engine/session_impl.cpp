#include "session_impl.hpp"

#include <algorithm>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <utility>

#include "errors.hpp"
#include "switchboard/engine/cors.hpp"
#include "switchboard/wire/base64.hpp"
#include "switchboard/wire/engineio_v3.hpp"

namespace switchboard::engine {

namespace eio = wire::eio;
namespace bh = boost::beast::http;
using detail::error_code;

namespace {

constexpr std::chrono::milliseconds close_grace{1000};

const wire::frame_ptr& ping_frame() {
  static const wire::frame_ptr frame = wire::make_text_frame(eio::packet_type::ping, {});
  return frame;
}

const wire::frame_ptr& pong_frame() {
  static const wire::frame_ptr frame = wire::make_text_frame(eio::packet_type::pong, {});
  return frame;
}

const wire::frame_ptr& probe_answer_frame() {
  static const wire::frame_ptr frame = wire::make_text_frame(eio::packet_type::pong, "probe");
  return frame;
}

http::response polling_response(const http::request& req, std::string body, std::string_view content_type) {
  http::response res = http::make_response(req, bh::status::ok, std::move(body), content_type);
  add_cors_headers(req, res);
  return res;
}

// Only the shard writes its gauge: a plain store, no locked read-modify-write on every send.
void add_queued_bytes(detail::shard_traffic& traffic, std::int64_t delta) noexcept {
  traffic.queued_bytes.store(traffic.queued_bytes.load(std::memory_order_relaxed) + delta, std::memory_order_relaxed);
}

std::error_code decode_v4_message(bool binary, const std::string& data, eio::packet& p) {
  if (!binary) return eio::decode_text_packet(data, p);
  p = eio::decode_binary_packet(data);
  return {};
}

// Protocol 3: a binary message starts with its type byte; a text one may be "b4" + base64.
std::error_code decode_v3_message(bool binary, const std::string& data, eio::packet& p) {
  return binary ? eio::v3::decode_websocket_binary(data, p) : eio::v3::decode_text_packet(data, p);
}

std::size_t size_of(const wire::frame& frame) noexcept {
  std::size_t bytes = 0;
  for (const auto& message : frame.websocket_messages()) bytes += message.bytes.size();
  return bytes;
}

}  // namespace

session_impl::session_impl(std::shared_ptr<detail::server_state> state, std::weak_ptr<server> owner, std::string id,
                           std::size_t shard, boost::asio::io_context& context, handshake_request handshake,
                           boost::asio::ip::tcp::endpoint remote, boost::asio::ip::address client,
                           std::size_t unauthenticated_cost, transport_kind transport, detail::client_protocol protocol)
    : state_(std::move(state)),
      owner_(std::move(owner)),
      id_(std::move(id)),
      shard_(shard),
      context_(context),
      handshake_(std::move(handshake)),
      remote_(remote),
      client_(std::move(client)),
      transport_(transport),
      protocol_(protocol),
      unauthenticated_cost_(unauthenticated_cost) {}

std::string session_impl::open_packet() const {
  const options& o = state_->opts;
  const bool can_upgrade = transport_ == transport_kind::polling && o.allow_websocket;
  return "{\"sid\":\"" + id_ + "\",\"upgrades\":" + (can_upgrade ? "[\"websocket\"]" : "[]") +
         ",\"pingInterval\":" + std::to_string(o.ping_interval.count()) +
         ",\"pingTimeout\":" + std::to_string(o.ping_timeout.count()) +
         ",\"maxPayload\":" + std::to_string(o.max_payload) + "}";
}

void session_impl::start_polling() {
  if (protocol_.version == 3) {
    arm_v3_heartbeat();
  } else {
    schedule_ping();
  }
  start_auth_timer();
}

void session_impl::start_websocket(const http::websocket_upgrade_ptr& upgrade) {
  channel_ = accept_channel(upgrade);
  send(wire::make_text_frame(eio::packet_type::open, open_packet()), false);
  if (protocol_.version == 3) {
    arm_v3_heartbeat();
  } else {
    schedule_ping();
  }
  start_auth_timer();
}

// ---- Authentication ------------------------------------------------------------------------

void session_impl::start_auth_timer() {
  const auto timeout = state_->opts.unauthenticated.pre_auth_timeout;
  if (timeout <= std::chrono::milliseconds::zero()) return;
  auth_timer_ = std::make_unique<boost::asio::steady_timer>(context_, timeout);
  auth_timer_->async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (ec || self->authenticated_ || !self->open_ || self->closing_) return;
    self->state_->traffic[self->shard_].pre_auth_timeouts.fetch_add(1, std::memory_order_relaxed);
    self->close_within("unauthenticated timeout", close_grace);
  });
}

void session_impl::mark_authenticated() {
  if (authenticated_) return;
  authenticated_ = true;
  auth_timer_.reset();  // cancels the wait
  if (open_) state_->release_unauthenticated(unauthenticated_cost_);
}

// ---- Sending -------------------------------------------------------------------------------

send_status session_impl::send(wire::frame_ptr frame, bool is_volatile) {
  if (!open_ || closing_) return send_status::closed;
  const bool writable_now = queue_.empty() && (channel_ ? !channel_writing_ : poll_ != nullptr);
  auto& traffic = state_->traffic[shard_];
  if (is_volatile && !writable_now) {
    traffic.dropped.fetch_add(1, std::memory_order_relaxed);
    return send_status::dropped;
  }
  const outbound_options& limits = state_->opts.outbound;
  const std::size_t bytes = size_of(*frame);
  // One frame alone is always taken, however large: the limits bound what waits behind it.
  const bool over_bytes = !queue_.empty() && queued_bytes_ + bytes > limits.max_bytes;
  if (queue_.size() >= limits.max_packets || over_bytes) {
    traffic.overflows.fetch_add(1, std::memory_order_relaxed);
    if (over_bytes) traffic.byte_overflows.fetch_add(1, std::memory_order_relaxed);
    if (is_volatile || limits.on_overflow == overflow_policy::drop) {
      traffic.dropped.fetch_add(1, std::memory_order_relaxed);
      return send_status::dropped;
    }
    end("queue overflow", farewell::close_packet);
    return send_status::closed;
  }
  traffic.messages_out.fetch_add(1, std::memory_order_relaxed);
  queue_.push_back(std::move(frame));
  queued_bytes_ += bytes;
  add_queued_bytes(traffic, static_cast<std::int64_t>(bytes));
  flush();
  return send_status::queued;
}

void session_impl::clear_queue() {
  queue_ = {};  // its capacity too: an idle session holds none
  add_queued_bytes(state_->traffic[shard_], -static_cast<std::int64_t>(queued_bytes_));
  queued_bytes_ = 0;
}

// Hands what is queued to the current transport, if it can take it now.
void session_impl::flush() {
  if (queue_.empty()) return;
  if (channel_) {
    if (channel_writing_) return;
    channel_writing_ = true;
    std::vector<wire::frame_ptr> batch = std::exchange(queue_, {});
    if (protocol_.version == 3) batch = for_v3_websocket(std::move(batch));
    state_->traffic[shard_].bytes_out.fetch_add(queued_bytes_, std::memory_order_relaxed);
    clear_queue();
    // The channel (which the session owns) keeps this callback until the write ends: it holds the
    // session weakly, or a write that never ends (the shards stopping) would keep both alive.
    channel_->write(std::move(batch), [weak = weak_from_this(), channel = channel_.get()](bool ok) {
      auto self = weak.lock();
      if (!self) return;
      boost::asio::dispatch(self->context_, [self, channel, ok] {
        if (channel != self->channel_.get()) return;
        self->channel_writing_ = false;
        if (!ok) return self->end("transport error", farewell::close_packet);
        self->flush();
      });
    });
  } else if (poll_) {
    answer_poll();
  }
}

// Answers the pending GET with everything queued, then `last_packet` (a text packet) if any.
void session_impl::answer_poll(std::string_view last_packet) {
  std::string payload;
  if (protocol_.version == 3) {  // length-prefixed packets, nothing between them
    for (const auto& frame : queue_) payload.append(frame->polling_payload_v3());
    if (!last_packet.empty()) eio::v3::append_payload_text(last_packet, payload);
  } else {
    for (const auto& frame : queue_) {
      if (!payload.empty()) payload.push_back(eio::record_separator);
      payload.append(frame->polling_payload());
    }
    if (!last_packet.empty()) {
      if (!payload.empty()) payload.push_back(eio::record_separator);
      payload.append(last_packet);
    }
  }
  clear_queue();
  auto poll = std::move(poll_);
  state_->waiting_polls.fetch_sub(1, std::memory_order_relaxed);
  state_->traffic[shard_].bytes_out.fetch_add(payload.size(), std::memory_order_relaxed);
  poll->respond(polling_response(poll->req(), std::move(payload), "text/plain; charset=UTF-8"));
}

// ---- Polling -------------------------------------------------------------------------------

void session_impl::on_poll(http::exchange_ptr ex) {
  if (transport_ != transport_kind::polling) return ex->respond(detail::error_response(ex->req(), error_code::bad_request));
  if (closing_) {
    poll_ = std::move(ex);
    state_->waiting_polls.fetch_add(1, std::memory_order_relaxed);
    if (!pending_close_reason_.empty()) return end(pending_close_reason_, farewell::close_packet);
    return end("transport close", farewell::noop);
  }
  if (poll_) {
    // Two GETs at once: the reference server closes the session and fails the second.
    ex->respond(detail::error_response(ex->req(), error_code::bad_request));
    return end("transport error", farewell::close_packet);
  }
  poll_ = std::move(ex);
  state_->waiting_polls.fetch_add(1, std::memory_order_relaxed);
  if (!queue_.empty()) return answer_poll();
  // Mid-upgrade, once the probe pinged, release the client's poll at once so that it can switch.
  if (probe_ && probe_pinged_) answer_poll("6");
}

void session_impl::on_post(http::exchange_ptr ex) {
  if (transport_ != transport_kind::polling) return ex->respond(detail::error_response(ex->req(), error_code::bad_request));
  state_->traffic[shard_].bytes_in.fetch_add(ex->req().body().size(), std::memory_order_relaxed);
  std::vector<eio::packet> packets;
  const bool binary_body = ex->req()[bh::field::content_type].starts_with("application/octet-stream");
  const std::error_code ec = protocol_.version == 3 ? eio::v3::decode_payload(ex->req().body(), binary_body, packets)
                                                    : eio::decode_payload(ex->req().body(), packets);
  if (ec) {
    ex->respond(detail::error_response(ex->req(), error_code::bad_request));
    return end("parse error", farewell::close_packet);
  }
  ex->respond(polling_response(ex->req(), "ok", "text/html"));
  for (auto& p : packets) {
    if (!open_) break;
    on_packet(std::move(p));
  }
}

// ---- WebSocket and upgrade -----------------------------------------------------------------

http::websocket_channel_ptr session_impl::accept_channel(const http::websocket_upgrade_ptr& upgrade) {
  // The channel may live on another shard: its callbacks come back here through posts. They
  // hold the session weakly, and name their channel by address only, so nothing forms a cycle.
  auto identity = std::make_shared<const http::websocket_channel*>(nullptr);
  std::weak_ptr<session_impl> weak = shared_from_this();
  auto on_message = [weak, identity](bool binary, std::string data) {
    if (auto self = weak.lock()) {
      // `identity` is read on the session's shard, which wrote it.
      boost::asio::post(self->context_, [self, identity, binary, data = std::move(data)]() mutable {
        self->on_channel_message(*identity, binary, std::move(data));
      });
    }
  };
  auto on_closed = [weak, identity] {
    if (auto self = weak.lock()) {
      boost::asio::post(self->context_, [self, identity] { self->on_channel_closed(*identity); });
    }
  };
  http::websocket_channel_ptr channel = upgrade->accept(std::move(on_message), std::move(on_closed));
  *identity = channel.get();
  return channel;
}

void session_impl::on_upgrade(http::websocket_upgrade_ptr upgrade) {
  if (!open_ || transport_ != transport_kind::polling || probe_) {
    // As the reference server: a second upgrade is accepted, then closed at once.
    if (auto extra = upgrade->accept(nullptr, nullptr)) extra->close();
    return;
  }
  probe_ = accept_channel(upgrade);
  upgrade_timer_ = std::make_unique<boost::asio::steady_timer>(context_, state_->opts.upgrade_timeout);
  upgrade_timer_->async_wait([self = shared_from_this(), probe = probe_.get()](boost::system::error_code ec) {
    if (!ec && self->probe_.get() == probe) self->fail_upgrade();
  });
}

void session_impl::on_channel_message(const http::websocket_channel* from, bool binary, std::string data) {
  if (!open_ || from == nullptr) return;
  state_->traffic[shard_].bytes_in.fetch_add(data.size(), std::memory_order_relaxed);
  // Tell the channel once this message is dealt with, however that ends (even if it ends us).
  http::websocket_channel_ptr source = from == channel_.get() ? channel_ : from == probe_.get() ? probe_ : nullptr;
  if (!source) return;
  const std::unique_ptr<http::websocket_channel, void (*)(http::websocket_channel*)> consumed(
      source.get(), [](http::websocket_channel* c) { c->consumed(); });
  eio::packet p;
  if (protocol_.version == 3 ? decode_v3_message(binary, data, p) : decode_v4_message(binary, data, p)) {
    if (from == probe_.get()) return fail_upgrade();
    if (from == channel_.get()) end("parse error", farewell::close_packet);
    return;
  }
  if (from == probe_.get()) return on_probe_message(std::move(p));
  if (from == channel_.get()) on_packet(std::move(p));
}

void session_impl::on_probe_message(eio::packet p) {
  if (p.type == eio::packet_type::ping && p.data == "probe") {
    // One answer per probe: a client that repeats "2probe" without reading would queue them all.
    if (probe_pinged_) {
      state_->traffic[shard_].probe_abuse.fetch_add(1, std::memory_order_relaxed);
      return fail_upgrade();
    }
    probe_->write({probe_answer_frame()}, nullptr);
    probe_pinged_ = true;
    if (poll_ && queue_.empty()) answer_poll("6");
    return;
  }
  if (p.type != eio::packet_type::upgrade) return fail_upgrade();
  // "5": the WebSocket becomes the transport; a GET still pending ends with a noop.
  upgrade_timer_.reset();
  transport_ = transport_kind::websocket;
  state_->polling_sessions.fetch_sub(1, std::memory_order_relaxed);
  channel_ = std::move(probe_);
  if (poll_) answer_poll("6");
  flush();
  state_->handler->on_upgrade(shared_from_this());
}

void session_impl::fail_upgrade() {
  upgrade_timer_.reset();
  probe_pinged_ = false;
  if (auto probe = std::move(probe_)) probe->close();
}

void session_impl::on_channel_closed(const http::websocket_channel* from) {
  if (from == nullptr) return;
  if (from == probe_.get()) return fail_upgrade();
  if (from == channel_.get()) end("transport close", farewell::noop);
}

// ---- Packets and heartbeat -----------------------------------------------------------------

// Protocol 3 binary messages carry their type byte on the WebSocket.
std::vector<wire::frame_ptr> session_impl::for_v3_websocket(std::vector<wire::frame_ptr> batch) const {
  for (auto& frame : batch) {
    const auto messages = frame->websocket_messages_v3();
    const bool has_binary = std::any_of(messages.begin(), messages.end(), [](const auto& m) { return m.binary; });
    if (!has_binary) continue;
    std::vector<wire::frame::message> converted(messages.begin(), messages.end());
    if (protocol_.b64) {
      for (auto& m : converted) {
        if (!m.binary) continue;
        std::string text = "b4";
        wire::append_base64(std::string_view(m.bytes).substr(1), text);  // without the type byte
        m = {false, std::move(text)};
      }
    }
    frame = std::make_shared<const wire::frame>(std::move(converted));
  }
  return batch;
}

void session_impl::arm_v3_heartbeat() {
  set_deadline(state_->opts.ping_interval + state_->opts.ping_timeout, deadline_for::v3_heartbeat);
}

void session_impl::on_ping_from_client() {
  send(pong_frame(), false);
  if (open_ && !closing_) arm_v3_heartbeat();
}

void session_impl::on_packet(eio::packet p) {
  if (closing_) return;
  switch (p.type) {
    case eio::packet_type::message:
      state_->traffic[shard_].messages_in.fetch_add(1, std::memory_order_relaxed);
      state_->handler->on_message(shared_from_this(), p.binary, std::move(p.data));
      return;
    case eio::packet_type::pong:
      if (protocol_.version == 3) return end("transport error", farewell::close_packet);  // the server never pings v3
      if (awaiting_pong_) {
        awaiting_pong_ = false;
        schedule_ping();
      }
      return;
    case eio::packet_type::ping:
      if (protocol_.version == 3) return on_ping_from_client();
      // In v4 only the server pings; the reference server closes on a client's ping.
      end("transport error", farewell::close_packet);
      return;
    case eio::packet_type::close:
      end_when_polled();
      return;
    case eio::packet_type::open:
    case eio::packet_type::upgrade:
    case eio::packet_type::noop:
      return;  // meaningless here; the reference server ignores them too
  }
}

void session_impl::schedule_ping() { set_deadline(state_->opts.ping_interval, deadline_for::heartbeat); }

// Fires after pingInterval to send a ping, then after pingTimeout if no pong came back.
void session_impl::on_ping_timer() {
  if (!open_) return;
  if (awaiting_pong_) return end("ping timeout", farewell::close_packet);
  awaiting_pong_ = true;
  send(ping_frame(), false);
  if (!open_) return;
  set_deadline(state_->opts.ping_timeout, deadline_for::heartbeat);
}

void session_impl::set_deadline(std::chrono::milliseconds after, deadline_for what) {
  auto& queue = state_->deadlines[shard_];
  if (!queue) queue = std::make_shared<detail::session_deadlines>(context_.get_executor(), [](session_impl& s) { s.on_deadline(); });
  if (deadline_) queue->remove(*deadline_);
  deadline_for_ = what;
  deadline_ = queue->add_after(after, weak_from_this());
}

void session_impl::clear_deadline() {
  if (!deadline_) return;
  if (const auto& queue = state_->deadlines[shard_]) queue->remove(*deadline_);
  deadline_.reset();
}

void session_impl::on_deadline() {
  deadline_.reset();
  switch (deadline_for_) {
    case deadline_for::heartbeat:
      return on_ping_timer();
    case deadline_for::v3_heartbeat:
      if (open_) end("ping timeout", farewell::close_packet);
      return;
    case deadline_for::client_close:
      return end("transport close", farewell::noop);
    case deadline_for::server_close:
      return end(pending_close_reason_, farewell::close_packet);
  }
}

// ---- Closing -------------------------------------------------------------------------------

// The client's close packet. Its GET may still be on its way from another connection (a client
// that closes sends both at once): that GET gets its noop if it comes within the grace period.
void session_impl::end_when_polled() {
  if (closing_) return;
  if (transport_ != transport_kind::polling || poll_) return end("transport close", farewell::noop);
  closing_ = true;
  set_deadline(std::min(state_->opts.ping_timeout, close_grace), deadline_for::client_close);
}

// The server's own close: on polling with no GET pending, the session waits (up to pingTimeout)
// for the client's next GET, which carries what is queued and the close packet, as the
// reference server does. Errors and timeouts end at once instead.
void session_impl::close(std::string_view reason) { close_within(reason, state_->opts.ping_timeout); }

void session_impl::close_within(std::string_view reason, std::chrono::milliseconds grace) {
  if (!open_ || closing_) return;
  if (transport_ != transport_kind::polling || poll_) return end(reason, farewell::close_packet);
  closing_ = true;
  pending_close_reason_ = reason;
  set_deadline(std::min(grace, state_->opts.ping_timeout), deadline_for::server_close);
  fail_upgrade();
}

// Every way a session ends comes here: release the transports, the timers and the registry entry.
void session_impl::end(std::string_view reason, farewell how) {
  if (!open_) return;
  open_ = false;
  clear_deadline();
  upgrade_timer_.reset();
  if (poll_) answer_poll(how == farewell::noop ? "6" : "1");
  if (auto probe = std::move(probe_)) probe->close();
  if (auto channel = std::move(channel_)) {
    // The channel writes what it was given before its close handshake.
    if (!queue_.empty()) channel->write(std::exchange(queue_, {}), nullptr);
    channel->close();
  }
  clear_queue();
  auth_timer_.reset();
  state_->session_count.fetch_sub(1, std::memory_order_relaxed);
  if (transport_ == transport_kind::polling) state_->polling_sessions.fetch_sub(1, std::memory_order_relaxed);
  state_->clients.release(client_);
  if (!authenticated_) state_->release_unauthenticated(unauthenticated_cost_);
  if (auto owner = owner_.lock()) owner->unregister_session(*this);
  state_->handler->on_close(shared_from_this(), reason);
}

}  // namespace switchboard::engine
