#include "ws_client.hpp"

#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <array>
#include <cstring>

#include "net.hpp"

namespace switchboard::bench {

namespace asio = boost::asio;
using asio::ip::tcp;

std::optional<frame_view> parse_server_frame(std::string_view bytes) {
  if (bytes.size() < 2) return std::nullopt;
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(bytes[i]); };
  frame_view frame{.opcode = byte(0) & 0x0f, .fin = (byte(0) & 0x80) != 0};
  std::uint64_t length = byte(1) & 0x7f;
  std::size_t header = 2;
  if (length == 126 || length == 127) {
    const std::size_t width = length == 126 ? 2 : 8;
    if (bytes.size() < 2 + width) return std::nullopt;
    length = 0;
    for (std::size_t i = 0; i < width; ++i) length = length << 8 | byte(2 + i);
    header += width;
  }
  if ((byte(1) & 0x80) != 0) return std::nullopt;  // servers never mask; treated as never complete
  if (bytes.size() - header < length) return std::nullopt;
  frame.payload = bytes.substr(header, length);
  frame.size = header + length;
  return frame;
}

std::string client_frame(std::string_view payload, int opcode) {
  static std::uint32_t state = 0x9e3779b9;
  state ^= state << 13, state ^= state >> 17, state ^= state << 5;  // xorshift: masks need not be secret here
  std::string frame;
  frame.push_back(static_cast<char>(0x80 | opcode));
  if (payload.size() < 126) {
    frame.push_back(static_cast<char>(0x80 | payload.size()));
  } else {
    frame.push_back(static_cast<char>(0x80 | 126));
    frame.push_back(static_cast<char>(payload.size() >> 8));
    frame.push_back(static_cast<char>(payload.size() & 0xff));
  }
  char mask[4];
  std::memcpy(mask, &state, 4);
  frame.append(mask, 4);
  for (std::size_t i = 0; i < payload.size(); ++i) frame.push_back(static_cast<char>(payload[i] ^ mask[i % 4]));
  return frame;
}

namespace {

std::string upgrade_request(const target& server, const ws_client_options& options) {
  std::string path = "/socket.io/?EIO=4&transport=websocket";
  if (server.kind == server_kind::floor) path += "&user=" + options.user;
  return "GET " + path + " HTTP/1.1\r\nHost: " + server.endpoint.address().to_string() + ":" +
         std::to_string(server.endpoint.port()) +
         "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
         "Sec-WebSocket-Version: 13\r\n\r\n";
}

// One thread runs every client, so one scratch buffer serves all reads.
std::array<char, 256 * 1024> scratch;

class ws_connection {
 public:
  ws_connection(tcp::socket socket, std::string early_bytes, ws_client_options options, fleet_stats& stats)
      : socket_(std::move(socket)), options_(std::move(options)), stats_(stats), pending_(std::move(early_bytes)) {}

  // Reads and answers frames until the connection ends or `stop` is set.
  asio::awaitable<void> run(const bool& stop) {
    socket_.non_blocking(true);
    co_await drain_frames();
    while (!stop && !done_) {
      co_await socket_.async_wait(tcp::socket::wait_read, asio::use_awaitable);
      boost::system::error_code ec;
      for (;;) {
        const std::size_t n = socket_.read_some(asio::buffer(scratch), ec);
        if (ec) break;
        pending_.append(scratch.data(), n);
        if (n < scratch.size()) break;
      }
      if (ec && ec != asio::error::would_block) {
        end(ec.message());
        break;
      }
      co_await drain_frames();
    }
  }

  // Counts a connection that ended with an exception.
  void abandon(std::string_view why) { end(why); }

 private:
  asio::awaitable<void> drain_frames() {
    std::size_t used = 0;
    while (auto frame = parse_server_frame(std::string_view(pending_).substr(used))) {
      used += frame->size;
      if (frame->opcode == 8) {
        end("closed by the server");
        break;
      }
      if (frame->opcode == 0 || !frame->fin) {  // fragments: kept until the final one
        message_.append(frame->payload);
        if (!frame->fin) continue;
        co_await on_packet(message_);
        message_.clear();
        continue;
      }
      if (frame->opcode == 1) co_await on_packet(frame->payload);
      if (done_) break;
    }
    pending_.erase(0, used);
  }

  asio::awaitable<void> on_packet(std::string_view packet) {
    switch (on_engineio_packet(packet, stats_)) {
      case next_step::send_connect: co_await send(connect_packet(options_.token)); break;
      case next_step::send_pong: co_await send("3"); break;
      case next_step::connected:
        connected_ = true;
        --stats_.handshaking;
        ++stats_.connected;
        if (options_.close_when_connected) {
          boost::system::error_code ignored;
          socket_.shutdown(tcp::socket::shutdown_both, ignored);
          done_ = true;
        }
        break;
      case next_step::refused: end("refused"); break;
      case next_step::closed: end("closed by the server"); break;
      case next_step::nothing: break;
    }
  }

  asio::awaitable<void> send(std::string_view packet) {
    const std::string frame = client_frame(packet);
    co_await asio::async_write(socket_, asio::buffer(frame), asio::use_awaitable);
  }

  void end(std::string_view why) {
    if (done_) return;
    done_ = true;
    if (connected_) {
      ++stats_.lost;
    } else {
      --stats_.handshaking;
      ++stats_.refused;
    }
    stats_.fail(why);
  }

  tcp::socket socket_;
  ws_client_options options_;
  fleet_stats& stats_;
  std::string pending_;
  std::string message_;
  bool connected_ = false;
  bool done_ = false;
};

struct opened {
  tcp::socket socket;
  std::string early_bytes;  // frames that came with the upgrade response
};

asio::awaitable<opened> open_websocket(const target& server, std::size_t index, const ws_client_options& options) {
  tcp::socket socket = co_await connect_from(index, server.sources, server.endpoint);
  const std::string request = upgrade_request(server, options);
  co_await asio::async_write(socket, asio::buffer(request), asio::use_awaitable);
  asio::streambuf response;
  const std::size_t header = co_await asio::async_read_until(socket, response, "\r\n\r\n", asio::use_awaitable);
  const std::string_view head(static_cast<const char*>(response.data().data()), header);
  if (!head.starts_with("HTTP/1.1 101")) throw std::runtime_error(std::string(head.substr(0, head.find('\r'))));
  response.consume(header);
  std::string early(static_cast<const char*>(response.data().data()), response.size());
  co_return opened{std::move(socket), std::move(early)};
}

}  // namespace

asio::awaitable<void> run_ws_client(const target& server, std::size_t index, ws_client_options options,
                                    fleet_stats& stats, const bool& stop) {
  std::optional<ws_connection> connection;
  try {
    opened open = co_await open_websocket(server, index, options);
    connection.emplace(std::move(open.socket), std::move(open.early_bytes), std::move(options), stats);
  } catch (const std::exception& e) {
    --stats.handshaking;
    ++stats.refused;
    stats.fail(e.what());
    co_return;
  }
  try {
    co_await connection->run(stop);
  } catch (const std::exception& e) {
    connection->abandon(e.what());
  }
}

}  // namespace switchboard::bench
