#pragma once
// websocket_channel without per-message compression, the default and the hot path of every
// broadcast. The handshake and the framing are done here (RFC 6455), so that
// everything queued for a connection goes out in one gather write: the frame bytes are the
// ones encoded once per broadcast, only the 2-10 byte headers are per connection. Control
// frames (pong, close) go through the same queue, so nothing interleaves on the wire. The queue
// is bounded: at most one pong waits (a newer ping replaces it, RFC 6455 5.5.3), and past
// max_queued_bytes or max_queued_writes the connection is dropped.
// (websocket_session, on Beast's stream, serves connections that negotiate permessage-deflate.)
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/http/field.hpp>
#include <array>
#include <atomic>
#include <memory>
#include <optional>

#include "connection_limits.hpp"
#include "read_window.hpp"
#include "switchboard/http/websocket_channel.hpp"
#include "upgrade_session.hpp"
#include "switchboard/wire/utf8.hpp"
#include "websocket_frames.hpp"

namespace switchboard::http::detail {

template <class Stream>
class raw_websocket_session final : public upgrade_session<Stream>,
                                    public std::enable_shared_from_this<raw_websocket_session<Stream>> {
 public:
  using executor_type = boost::asio::any_io_executor;
  using written_handler = websocket_channel::written_handler;

  static constexpr std::chrono::seconds close_grace{5};

  raw_websocket_session(executor_type executor, websocket_options options, websocket_upgrade::message_handler on_message,
                        websocket_upgrade::closed_handler on_closed)
      : executor_(std::move(executor)),
        options_(options),
        on_message_(std::move(on_message)),
        on_closed_(std::move(on_closed)) {}

  // On the shard: answers the opening handshake (the route has already seen an upgrade
  // request) and starts reading and writing frames.
  void begin(Stream&& stream, request upgrade, connection_slot_ptr slot) override {
    slot_ = std::move(slot);
    if constexpr (is_tls) {
      boost::beast::get_lowest_layer(stream).expires_never();  // Engine.IO's heartbeat watches the peer
      transport_.emplace(std::move(stream));
    } else {  // the bare socket: Beast's timed stream would add two timers and their state to every connection
      transport_.emplace(stream.release_socket());
      transport_->non_blocking(true);
    }
    auto answer = std::make_shared<ws::handshake_answer>(ws::answer_handshake(
        upgrade[boost::beast::http::field::sec_websocket_key], upgrade[boost::beast::http::field::sec_websocket_version]));
    boost::asio::async_write(*transport_, boost::asio::buffer(answer->bytes),
                             [self = this->shared_from_this(), answer](boost::beast::error_code ec, std::size_t) {
                               if (ec || !answer->accepted) return self->finish();
                               self->open_ = true;
                               self->do_read();
                               self->maybe_write();
                             });
  }

  // Inline when called on the connection's shard: a broadcast reaches thousands of sockets
  // there, and a post per recipient would cost an allocation and a queue round trip each (as would
  // dispatch() through the type-erased executor, which wraps the function even to run it at once).
  void write(std::vector<wire::frame_ptr> frames, written_handler done) override {
    if (const auto* shard = executor_.target<boost::asio::io_context::executor_type>(); shard && shard->running_in_this_thread()) {
      return enqueue(std::move(frames), std::move(done));
    }
    boost::asio::dispatch(executor_, [self = this->shared_from_this(), frames = std::move(frames), done = std::move(done)]() mutable {
      self->enqueue(std::move(frames), std::move(done));
    });
  }

  // A peer that stops reading would stall the queued writes and the close handshake behind
  // them: after close_grace the connection is cut.
  void close() override {
    boost::asio::post(executor_, [self = this->shared_from_this()] { self->send_close(ws::close_code::normal); });
  }

  void consumed() override {
    if (!window_.consumed()) return;
    boost::asio::post(executor_, [self = this->shared_from_this()] {
      if (!self->read_paused_ || self->finished_) return;
      self->read_paused_ = false;
      self->process_input();
    });
  }

 private:
  struct outgoing {
    std::vector<wire::frame_ptr> frames;
    std::string control;  // a whole control frame, when frames is empty
    written_handler done;
  };

  static constexpr bool is_tls = requires(Stream& s) { s.next_layer(); };
  using transport_type = std::conditional_t<is_tls, Stream, boost::asio::ip::tcp::socket>;
  static constexpr std::size_t read_chunk = 2048;

  // On the shard: queues a write, or refuses it once the connection is closing or over its bounds.
  void enqueue(std::vector<wire::frame_ptr> frames, written_handler done) {
    if (finished_ || close_queued_) {
      if (done) done(false);
      return;
    }
    for (const auto& frame : frames) {
      for (const auto& message : frame->websocket_messages()) queued_bytes_ += message.bytes.size();
    }
    if (queue_.size() >= options_.max_queued_writes || queued_bytes_ > options_.max_queued_bytes) {
      return overflow(std::move(done));
    }
    queue_.push_back({std::move(frames), {}, std::move(done)});
    maybe_write();
  }

  // --- reading -------------------------------------------------------------------------------

  // Plain TCP waits for readability and then reads into one buffer per thread, so an idle
  // connection holds no read buffer; TLS reads into the connection's own.
  void do_read() {
    if (finished_ || reading_ || close_received_) return;
    reading_ = true;
    if constexpr (is_tls) {
      const std::size_t used = input_.size();
      input_.resize(used + read_chunk);
      transport_->async_read_some(boost::asio::buffer(input_.data() + used, read_chunk),
                                  [self = this->shared_from_this(), used](boost::beast::error_code ec, std::size_t n) {
                                    self->reading_ = false;
                                    self->input_.resize(used + n);
                                    if (ec) return self->finish();
                                    self->process_input();
                                  });
    } else {
      transport_->async_wait(boost::asio::ip::tcp::socket::wait_read,
                             [self = this->shared_from_this()](boost::beast::error_code ec) {
                               self->reading_ = false;
                               if (ec || !self->read_available()) return self->finish();
                               self->process_input();
                             });
    }
  }

  // Appends what the socket holds to the input; false when the peer is gone.
  bool read_available() {
    thread_local std::array<char, 64 * 1024> scratch;
    for (;;) {
      boost::beast::error_code ec;
      const std::size_t n = transport_->read_some(boost::asio::buffer(scratch), ec);
      if (ec == boost::asio::error::would_block) return true;
      if (ec) return false;
      input_.append(scratch.data(), n);
      if (n < scratch.size() || input_.size() > options_.max_message_size) return true;
    }
  }

  // Delivers every complete frame in the input, then reads more unless paused or closing.
  void process_input() {
    std::size_t at = 0;
    while (!finished_ && !draining_ && !close_received_ && !read_paused_) {
      ws::client_header header;
      const auto state = ws::parse_client_header(std::string_view(input_).substr(at), header);
      if (state == ws::parsed::protocol_error) {
        fail(ws::close_code::protocol_error);
        break;
      }
      if (state == ws::parsed::incomplete) break;
      if (header.length > options_.max_message_size ||
          message_.size() + header.length > options_.max_message_size) {
        fail(ws::close_code::too_big);
        break;
      }
      if (input_.size() - at - header.size < header.length) break;
      char* payload = input_.data() + at + header.size;
      const auto size = static_cast<std::size_t>(header.length);
      ws::unmask(payload, size, header.mask);
      at += header.size + size;
      on_frame(header, std::string_view(payload, size));
    }
    if (draining_) at = input_.size();
    input_.erase(0, at);
    if (input_.empty()) std::string().swap(input_);  // an idle socket holds no read buffer
    if (!read_paused_) do_read();
  }

  void on_frame(const ws::client_header& header, std::string_view payload) {
    switch (header.op) {
      case ws::opcode::ping: return queue_pong(payload);
      case ws::opcode::pong: return;
      case ws::opcode::close: return on_peer_close(payload);
      case ws::opcode::text:
      case ws::opcode::binary:
        if (in_message_) return fail(ws::close_code::protocol_error);
        message_binary_ = header.op == ws::opcode::binary;
        if (header.fin) return deliver(std::string(payload));
        in_message_ = true;
        message_.assign(payload);
        return;
      case ws::opcode::continuation:
        if (!in_message_) return fail(ws::close_code::protocol_error);
        message_.append(payload);
        if (!header.fin) return;
        in_message_ = false;
        return deliver(std::exchange(message_, {}));
    }
  }

  void deliver(std::string data) {
    if (!message_binary_ && !wire::is_valid_utf8(data)) return fail(ws::close_code::invalid_payload);
    if (window_.delivered()) read_paused_ = true;
    if (on_message_) on_message_(message_binary_, std::move(data));
  }

  // The peer's close: answered with its own code (RFC 6455 5.5.1), or failed with 1002/1007 when
  // invalid, or, when we sent ours first, the handshake is complete once our close frame is out.
  void on_peer_close(std::string_view payload) {
    const ws::close_reply answer = ws::close_answer(payload);
    if (!answer.valid) return fail(answer.code);
    close_received_ = true;
    if (!close_queued_) return send_close(answer.code);
    if (!writing_ && queue_.empty()) finish();
  }

  // Closes with `code`, then reads and discards until the peer hangs up or close_grace ends:
  // closing a socket with unread input would reset it, and the peer could lose our close frame.
  void fail(std::uint16_t code) {
    draining_ = true;
    send_close(code);
  }

  // --- writing -------------------------------------------------------------------------------

  void queue_control(std::string frame) {
    if (finished_ || close_queued_) return;
    queue_.push_back({{}, std::move(frame), {}});
    maybe_write();
  }

  // At most one pong waits in the queue: a newer ping's replaces it.
  void queue_pong(std::string_view payload) {
    if (finished_ || close_queued_) return;
    if (pong_at_ < queue_.size()) {
      counters::bump(slot_->stats().websocket_pongs_replaced);
      queue_[pong_at_].control = ws::server_frame(ws::opcode::pong, payload);
      return;
    }
    pong_at_ = queue_.size();
    queue_control(ws::server_frame(ws::opcode::pong, payload));
  }

  // A peer that does not read while messages keep coming: the queue is not allowed to grow,
  // the connection goes (after this call returns: the caller may be iterating its sockets).
  void overflow(written_handler done) {
    counters::bump(slot_->stats().websocket_queue_overflows);
    close_queued_ = true;  // refuses later writes
    if (done) done(false);
    boost::asio::post(executor_, [self = this->shared_from_this()] { self->finish(); });
  }

  // Queues a close frame behind what is already queued (0: an empty one); the connection is
  // cut after the peer answers, or after close_grace.
  void send_close(std::uint16_t code) {
    if (finished_ || close_queued_) return;
    queue_control(code == 0 ? ws::server_frame(ws::opcode::close, {}) : ws::close_frame(code));
    close_queued_ = true;
    close_timer_ = std::make_unique<boost::asio::steady_timer>(executor_, close_grace);
    close_timer_->async_wait([weak = std::weak_ptr<raw_websocket_session>(this->shared_from_this())](boost::system::error_code ec) {
      if (auto s = weak.lock(); s && !ec) s->finish();
    });
  }

  // Writes everything queued in one gather write; another write starts when it completes.
  void maybe_write() {
    if (!open_ || writing_ || completing_ || finished_ || queue_.empty()) return;
    writing_ = true;
    std::swap(sending_, queue_);  // sending_ was empty
    queued_bytes_ = 0;
    pong_at_ = no_pong;
    std::size_t messages = 0;
    for (const auto& item : sending_) {
      for (const auto& frame : item.frames) messages += frame->websocket_messages().size();
    }
    headers_.resize(messages * ws::max_header_size);  // sized first: buffers point into it
    buffers_.clear();
    unsigned char* header = headers_.data();
    for (const auto& item : sending_) {
      if (!item.control.empty()) buffers_.emplace_back(boost::asio::buffer(item.control));
      for (const auto& frame : item.frames) {
        for (const auto& message : frame->websocket_messages()) {
          const auto op = message.binary ? ws::opcode::binary : ws::opcode::text;
          const std::size_t n = ws::write_server_header(op, message.bytes.size(), header);
          buffers_.emplace_back(header, n);
          buffers_.emplace_back(boost::asio::buffer(message.bytes));
          header += n;
        }
      }
    }
    // The session stays alive while Asio writes from its buffers.
    const auto written = [this] {
      return [self = this->shared_from_this()](boost::beast::error_code ec, std::size_t) { self->on_written(ec); };
    };
    if constexpr (is_tls) {
      // TLS writes one record per buffer: the queue goes out as one contiguous block instead.
      flat_.clear();
      for (const auto& b : buffers_) flat_.append(static_cast<const char*>(b.data()), b.size());
      boost::asio::async_write(*transport_, boost::asio::buffer(flat_), written());
    } else {
      // One non-blocking sendmsg first: a socket that takes it all (nearly every recipient of a
      // broadcast) completes here, with no composed operation and no posted completion. What the
      // kernel did not take, and a close (whose completion may end the connection), go the
      // asynchronous way; so does an error, reported from there.
      if (!close_queued_) {
        boost::system::error_code ec;
        const std::size_t sent = transport_->write_some(buffers_, ec);
        if (!ec && sent == boost::asio::buffer_size(buffers_)) {
          const auto keep = this->shared_from_this();  // the senders told inline may let go of it
          return on_written(ec);
        }
        if (!ec) drop_sent(sent);
      }
      boost::asio::async_write(*transport_, buffers_, written());
    }
  }

  // A write ended: its senders are told, and what was queued meanwhile goes next.
  void on_written(boost::beast::error_code ec) {
    if (ec || finished_) return finish();
    writing_ = false;
    std::swap(sent_, sending_);  // both keep their capacity: no allocation per write
    completing_ = true;  // a write the callbacks queue waits for the loop: it would reuse sent_
    for (auto& item : sent_) {
      if (item.done) item.done(true);
    }
    completing_ = false;
    sent_.clear();
    if (close_queued_ && close_received_ && queue_.empty()) return finish();
    maybe_write();
  }

  // Removes the first `sent` bytes from buffers_ (a partial write).
  void drop_sent(std::size_t sent) {
    auto first = buffers_.begin();
    for (; first != buffers_.end() && sent >= first->size(); ++first) sent -= first->size();
    if (first != buffers_.end()) *first += sent;
    buffers_.erase(buffers_.begin(), first);
  }

  // Whatever ended the connection: fail the writes still queued, report once.
  void finish() {
    if (finished_) return;
    finished_ = true;
    open_ = false;
    close_timer_.reset();  // cancels the wait
    std::vector<outgoing> unsent = std::move(sending_);
    std::move(queue_.begin(), queue_.end(), std::back_inserter(unsent));
    sending_.clear();
    queue_.clear();
    for (auto& item : unsent) {
      if (item.done) item.done(false);
    }
    if (transport_) {
      boost::beast::error_code ignored;
      if constexpr (is_tls) {
        boost::beast::get_lowest_layer(*transport_).socket().close(ignored);
      } else {
        transport_->close(ignored);
      }
    }
    auto on_closed = std::move(on_closed_);
    on_message_ = nullptr;
    if (on_closed) on_closed();
  }

  std::unique_ptr<boost::asio::steady_timer> close_timer_;  // only once closing: an open connection holds none
  executor_type executor_;
  websocket_options options_;
  websocket_upgrade::message_handler on_message_;
  websocket_upgrade::closed_handler on_closed_;
  std::optional<transport_type> transport_;
  std::string input_;    // received bytes not yet framed
  std::string message_;  // a fragmented message so far
  bool message_binary_ = false;
  bool in_message_ = false;
  connection_slot_ptr slot_;  // the connection's place in the listener's limits
  std::vector<outgoing> queue_;  // a vector: a deque allocates its map even when empty
  std::size_t queued_bytes_ = 0;  // of the messages in queue_
  static constexpr std::size_t no_pong = static_cast<std::size_t>(-1);
  std::size_t pong_at_ = no_pong;  // the index of the pong in queue_
  std::vector<outgoing> sending_;
  std::vector<outgoing> sent_;
  std::vector<unsigned char> headers_;
  std::vector<boost::asio::const_buffer> buffers_;
  std::string flat_;
  read_window window_;
  bool read_paused_ = false;
  bool reading_ = false;
  bool open_ = false;
  bool writing_ = false;
  bool completing_ = false;  // telling the senders of the last write
  bool close_queued_ = false;
  bool close_received_ = false;
  bool draining_ = false;  // after a protocol failure
  bool finished_ = false;
};

template <class Stream>
upgrade_session_ptr<Stream> make_raw_session(boost::asio::any_io_executor executor, websocket_options options,
                                 websocket_upgrade::message_handler on_message,
                                 websocket_upgrade::closed_handler on_closed) {
  return std::make_shared<raw_websocket_session<Stream>>(std::move(executor), options, std::move(on_message), std::move(on_closed));
}

}  // namespace switchboard::http::detail
