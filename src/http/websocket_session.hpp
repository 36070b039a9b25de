#pragma once
// websocket_channel over a Beast WebSocket stream, for connections that negotiate permessage-deflate
// (raw_websocket_session serves the others): the handshake, a read loop, and an ordered
// write queue of encoded frames, bounded like raw_websocket_session's. Beast answers pings itself
// (one at a time, pausing the reads meanwhile) and validates close frames. Everything runs on
// the shard of the connection it came from.
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>
#include <atomic>
#include <deque>
#include <optional>

#include "connection_limits.hpp"
#include "read_window.hpp"
#include "switchboard/http/websocket_channel.hpp"
#include "upgrade_session.hpp"

namespace switchboard::http::detail {

template <class Stream>
class websocket_session final : public upgrade_session<Stream>,
                                public std::enable_shared_from_this<websocket_session<Stream>> {
 public:
  using executor_type = boost::asio::any_io_executor;
  using written_handler = websocket_channel::written_handler;

  static constexpr std::chrono::seconds close_grace{5};

  websocket_session(executor_type executor, websocket_options options,
                    websocket_upgrade::message_handler on_message,
                    websocket_upgrade::closed_handler on_closed)
      : close_timer_(executor),
        executor_(std::move(executor)),
        options_(options),
        on_message_(std::move(on_message)),
        on_closed_(std::move(on_closed)) {}

  // On the shard: takes the connection's stream and answers the upgrade request.
  void begin(Stream&& stream, request upgrade_request, connection_slot_ptr slot) override {
    namespace websocket = boost::beast::websocket;
    slot_ = std::move(slot);
    ws_.emplace(std::move(stream));
    boost::beast::get_lowest_layer(*ws_).expires_never();  // Engine.IO's heartbeat watches the peer
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = std::chrono::seconds(30);
    timeouts.idle_timeout = websocket::stream_base::none();
    timeouts.keep_alive_pings = false;
    ws_->set_option(timeouts);
    // The size limit is enforced in do_read: Beast's own limit fails the connection through a
    // teardown that can reset it before the client reads the close frame (Beast 1.81).
    ws_->read_message_max(0);
    if (options_.per_message_deflate) {
      websocket::permessage_deflate deflate;
      deflate.server_enable = true;
      ws_->set_option(deflate);
    }
    request_ = std::move(upgrade_request);
    ws_->async_accept(request_, [self = this->shared_from_this()](boost::beast::error_code ec) {
      self->on_accept(ec);
    });
  }

  // Inline when called on the connection's shard (a broadcast reaches thousands of sockets
  // there: a post per recipient would cost an allocation and a queue round trip each).
  void write(std::vector<wire::frame_ptr> frames, written_handler done) override {
    boost::asio::dispatch(executor_, [self = this->shared_from_this(), frames = std::move(frames),
                                      done = std::move(done)]() mutable {
      if (self->finished_ || self->overflowed_) {
        if (done) done(false);
        return;
      }
      std::size_t bytes = 0;
      for (const auto& frame : frames) {
        for (const auto& message : frame->websocket_messages()) bytes += message.bytes.size();
      }
      if (self->batches_.size() >= self->options_.max_queued_writes ||
          self->queued_bytes_ + bytes > self->options_.max_queued_bytes) {
        return self->overflow(std::move(done));
      }
      self->queued_bytes_ += bytes;
      self->batches_.push_back({std::move(frames), std::move(done), bytes});
      self->maybe_write();
    });
  }

  // A peer that stops reading would stall the queued writes and the close handshake behind
  // them: after close_grace the connection is cut.
  void close() override {
    boost::asio::post(executor_, [self = this->shared_from_this()] {
      if (self->finished_ || self->close_requested_) return;
      self->close_requested_ = true;
      self->close_timer_.expires_after(close_grace);
      self->close_timer_.async_wait([weak = std::weak_ptr<websocket_session>(self)](boost::system::error_code ec) {
        if (auto s = weak.lock(); s && !ec) s->finish();
      });
      self->maybe_write();
    });
  }

 private:
  struct batch {
    std::vector<wire::frame_ptr> frames;
    written_handler done;
    std::size_t bytes = 0;
  };

  // The peer does not read while messages keep coming: the connection goes (after this call
  // returns: the caller may be iterating its sockets).
  void overflow(written_handler done) {
    overflowed_ = true;
    counters::bump(slot_->stats().websocket_queue_overflows);
    if (done) done(false);
    boost::asio::post(executor_, [self = this->shared_from_this()] { self->finish(); });
  }

  void on_accept(boost::beast::error_code ec) {
    if (ec) return finish();
    open_ = true;
    do_read();
    maybe_write();
  }

  // Reads a message in bounded chunks; one over the size limit ends the connection with 1009.
  void do_read() {
    constexpr std::size_t chunk = 64 * 1024;
    ws_->async_read_some(buffer_, chunk, [self = this->shared_from_this()](boost::beast::error_code ec, std::size_t) {
      if (ec) return self->finish();
      if (self->buffer_.size() > self->options_.max_message_size) {
        self->buffer_.clear();
        self->close_code_ = boost::beast::websocket::close_code::too_big;
        return self->close();
      }
      if (!self->ws_->is_message_done()) return self->do_read();
      std::string data = boost::beast::buffers_to_string(self->buffer_.data());
      self->buffer_.consume(self->buffer_.size());
      const bool pause = self->window_.delivered();
      if (self->on_message_) self->on_message_(!self->ws_->got_text(), std::move(data));
      if (self->finished_) return;
      if (pause) {
        self->read_paused_ = true;  // consumed() resumes
        return;
      }
      self->do_read();
    });
  }

 public:
  void consumed() override {
    if (!window_.consumed()) return;
    boost::asio::post(executor_, [self = this->shared_from_this()] {
      if (!self->read_paused_ || self->finished_) return;
      self->read_paused_ = false;
      self->do_read();
    });
  }

 private:

  // Starts the next write if none is in flight; closes once everything queued is written.
  void maybe_write() {
    if (!open_ || writing_ || finished_) return;
    if (batches_.empty()) {
      if (close_requested_ && !closing_) do_close();
      return;
    }
    writing_ = true;
    write_next();
  }

  void write_next() {
    batch& current = batches_.front();
    while (frame_index_ < current.frames.size() &&
           message_index_ >= current.frames[frame_index_]->websocket_messages().size()) {
      ++frame_index_;
      message_index_ = 0;
    }
    if (frame_index_ == current.frames.size()) {
      written_handler done = std::move(current.done);
      queued_bytes_ -= current.bytes;
      batches_.pop_front();
      frame_index_ = message_index_ = 0;
      writing_ = false;
      if (done) done(true);
      return maybe_write();
    }
    const wire::frame_ptr& frame = current.frames[frame_index_];
    const auto& message = frame->websocket_messages()[message_index_++];
    ws_->text(!message.binary);
    // `keep` holds the bytes until the write completes, even if finish() drops the queue first.
    ws_->async_write(boost::asio::buffer(message.bytes),
                     [self = this->shared_from_this(), keep = frame](boost::beast::error_code ec, std::size_t) {
                       if (ec || self->finished_) return self->finish();
                       self->write_next();
                     });
  }

  void do_close() {
    closing_ = true;
    ws_->async_close(close_code_,
                     [self = this->shared_from_this()](boost::beast::error_code) { self->finish(); });
  }

  // Whatever ended the connection: fail the writes still queued, report once.
  void finish() {
    if (finished_) return;
    finished_ = true;
    open_ = false;
    close_timer_.cancel();
    for (auto& b : batches_) {
      if (b.done) b.done(false);
    }
    batches_.clear();
    if (ws_) {
      boost::beast::error_code ignored;
      boost::beast::get_lowest_layer(*ws_).socket().close(ignored);
    }
    auto on_closed = std::move(on_closed_);
    on_message_ = nullptr;
    if (on_closed) on_closed();
  }

  boost::asio::steady_timer close_timer_;
  executor_type executor_;
  websocket_options options_;
  websocket_upgrade::message_handler on_message_;
  websocket_upgrade::closed_handler on_closed_;
  std::optional<boost::beast::websocket::stream<Stream>> ws_;
  request request_;
  boost::beast::flat_buffer buffer_;
  connection_slot_ptr slot_;  // the connection's place in the listener's limits
  std::deque<batch> batches_;
  std::size_t queued_bytes_ = 0;  // of the messages in batches_
  bool overflowed_ = false;
  std::size_t frame_index_ = 0;
  std::size_t message_index_ = 0;
  read_window window_;
  bool read_paused_ = false;
  bool open_ = false;
  bool writing_ = false;
  bool close_requested_ = false;
  boost::beast::websocket::close_code close_code_ = boost::beast::websocket::close_code::normal;
  bool closing_ = false;
  bool finished_ = false;
};

template <class Stream>
upgrade_session_ptr<Stream> make_deflate_session(boost::asio::any_io_executor executor, websocket_options options,
                                 websocket_upgrade::message_handler on_message,
                                 websocket_upgrade::closed_handler on_closed) {
  return std::make_shared<websocket_session<Stream>>(std::move(executor), options, std::move(on_message), std::move(on_closed));
}

}  // namespace switchboard::http::detail
