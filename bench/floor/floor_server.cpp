// floor_server: the hardware floor for the benchmark. It accepts the same WebSocket connections as
// switchboard (GET /socket.io/?EIO=4&transport=websocket[&user=ID]) and writes the same frames, with
// no protocol work, to show how far switchboard is from what this machine can do.
//
// What it does: the WebSocket handshake (SHA-1 + base64 accept key), the pre-encoded Engine.IO open
// frame, the pre-encoded Socket.IO connect reply to a text frame starting with "40" (which makes the
// connection a member, also under its user if the query named one), a close reply to a close frame.
// POST /floor/broadcast and POST /floor/user?id=ID take a raw Socket.IO packet as their body, frame it
// ONCE into one shared buffer and queue that same buffer on every recipient; each connection writes all
// that queued up behind its write in flight with one gather write. GET /healthz answers "ok".
//
// What it deliberately does not do: no JWT or any authentication, no heartbeat (it never pings and
// ignores pongs), no namespaces, no decoding beyond finding "40", no percent-decoding of query values,
// no fragmented messages, no HTTP long-polling, no per-recipient encoding, no backpressure limit on the
// outgoing queues, one thread. Stops on SIGINT or SIGTERM and exits 0.
#include <sys/resource.h>

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <boost/asio.hpp>
#include <CLI/CLI.hpp>
#include <cctype>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;
using frame = std::shared_ptr<const std::string>;  // bytes ready for the wire, shared by all recipients

constexpr std::size_t max_request = 1 << 20;  // headers or body; anything larger drops the connection
constexpr std::string_view ws_guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

// An unmasked WebSocket frame (server to client) carrying `payload`, header and payload in one buffer.
frame ws_frame(std::string_view payload, unsigned char opcode = 0x1) {
  std::string f(1, static_cast<char>(0x80 | opcode));
  const std::size_t n = payload.size();
  if (n < 126) {
    f += static_cast<char>(n);
  } else if (n <= 0xffff) {
    f += static_cast<char>(126);
    for (int shift = 8; shift >= 0; shift -= 8) f += static_cast<char>((n >> shift) & 0xff);
  } else {
    f += static_cast<char>(127);
    for (int shift = 56; shift >= 0; shift -= 8) f += static_cast<char>((n >> shift) & 0xff);
  }
  f += payload;
  return std::make_shared<const std::string>(std::move(f));
}

const frame open_frame = ws_frame(
    R"(0{"sid":"floorfloorfloorfloor","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000})");
const frame connect_frame = ws_frame(R"(40{"sid":"floorfloorfloorfloor"})");
const frame close_frame = ws_frame("", 0x8);

std::string accept_key(std::string_view key) {
  const std::string in = std::string(key) + std::string(ws_guid);
  std::array<unsigned char, SHA_DIGEST_LENGTH> digest{};
  SHA1(reinterpret_cast<const unsigned char*>(in.data()), in.size(), digest.data());
  std::array<unsigned char, 4 * ((SHA_DIGEST_LENGTH + 2) / 3) + 1> out{};
  const int n = EVP_EncodeBlock(out.data(), digest.data(), SHA_DIGEST_LENGTH);
  return {reinterpret_cast<const char*>(out.data()), static_cast<std::size_t>(n)};
}

frame http_response(std::string_view status, std::string_view body, std::string_view type = "text/plain") {
  std::string r = "HTTP/1.1 " + std::string(status) + "\r\nContent-Type: " + std::string(type) +
                  "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  r += body;
  return std::make_shared<const std::string>(std::move(r));
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

// The value of `name` in the header block `head` (request line excluded from the search by the "\r\n").
std::string_view header(std::string_view head, std::string_view name) {
  for (std::size_t pos = head.find("\r\n"); pos != std::string_view::npos && pos + 2 < head.size();) {
    const std::size_t end = std::min(head.find("\r\n", pos + 2), head.size());
    const std::string_view line = head.substr(pos + 2, end - pos - 2);
    const std::size_t colon = line.find(':');
    if (colon != std::string_view::npos && iequals(line.substr(0, colon), name)) {
      std::string_view v = line.substr(colon + 1);
      while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
      while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
      return v;
    }
    pos = end;
  }
  return {};
}

// The raw value of `name` in the query string `query` ("a=1&b=2"), empty when absent.
std::string_view query_param(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    if (pair.size() > name.size() && pair.starts_with(name) && pair[name.size()] == '=')
      return pair.substr(name.size() + 1);
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return {};
}

class connection;

// Who gets broadcasts: every member, and the members under each user id.
struct registry {
  std::vector<connection*> members;
  std::unordered_map<std::string, std::vector<connection*>> users;
};

class connection : public std::enable_shared_from_this<connection> {
 public:
  connection(tcp::socket s, registry& r) : sock_(std::move(s)), reg_(r) {}
  ~connection() { unregister(); }

  void start() {
    error_code ec;
    sock_.set_option(tcp::no_delay(true), ec);
    sock_.non_blocking(true, ec);  // reads are done by hand once the socket is readable
    if (ec) return close();
    wait_readable();
  }

  // Queues `f`; starts a write unless one is in flight (its completion then sends all queued frames).
  void send(frame f) {
    queue_.push_back(std::move(f));
    if (!writing_) flush();
  }

 private:
  // Reads happen on readiness into one buffer shared by all connections (handlers run one at a time),
  // so an idle connection holds no read buffer; `in_` only keeps bytes not yet consumed.
  void wait_readable() {
    sock_.async_wait(tcp::socket::wait_read, [self = shared_from_this()](error_code ec) {
      if (ec) return self->close();
      static std::array<char, 64 * 1024> buf;
      const std::size_t n = self->sock_.read_some(asio::buffer(buf), ec);
      if (ec == asio::error::would_block) return self->wait_readable();
      if (ec) return self->close();
      self->in_.append(buf.data(), n);
      if (!self->consume()) return;  // stopped reading: closed, or closing after a close frame
      if (self->in_.empty() && self->in_.capacity() > 512) std::string().swap(self->in_);
      self->wait_readable();
    });
  }

  // Handles every complete request or frame in `in_`; false once the connection stops reading.
  bool consume() {
    std::size_t used = 0;
    for (;;) {
      std::optional<std::size_t> n = websocket_ ? handle_frame(std::string_view(in_).substr(used))
                                                : handle_request(std::string_view(in_).substr(used));
      if (!n) break;
      if (*n == 0) return false;
      used += *n;
    }
    in_.erase(0, used);
    if (in_.size() > max_request + 16) return close(), false;
    return true;
  }

  // An HTTP request: bytes used, nullopt while incomplete, 0 to stop reading.
  std::optional<std::size_t> handle_request(std::string_view data) {
    const std::size_t head_end = data.find("\r\n\r\n");
    if (head_end == std::string_view::npos) return std::nullopt;
    const std::string_view head = data.substr(0, head_end);
    const std::size_t length = std::strtoull(std::string(header(head, "content-length")).c_str(), nullptr, 10);
    if (length > max_request) return close(), 0;
    if (data.size() < head_end + 4 + length) return std::nullopt;
    const std::string_view body = data.substr(head_end + 4, length);

    const std::string_view line = head.substr(0, head.find("\r\n"));
    const std::size_t space = line.find(' ');
    if (space == std::string_view::npos) return close(), 0;
    const std::string_view method = line.substr(0, space);
    std::string_view target = line.substr(space + 1);
    target = target.substr(0, target.find(' '));
    const std::size_t q = target.find('?');
    const std::string_view path = target.substr(0, q);
    const std::string_view query = q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);

    if (method == "GET" && path == "/socket.io/") upgrade(head, query);
    else if (method == "POST" && path == "/floor/broadcast") send(emit(reg_.members, body));
    else if (method == "POST" && path == "/floor/user") send(emit_to_user(query_param(query, "id"), body));
    else if (method == "GET" && path == "/healthz") send(http_response("200 OK", "ok"));
    else send(http_response("404 Not Found", "not found"));
    return head_end + 4 + length;
  }

  void upgrade(std::string_view head, std::string_view query) {
    const std::string_view key = header(head, "sec-websocket-key");
    if (!iequals(header(head, "upgrade"), "websocket") || key.empty() || query_param(query, "EIO") != "4")
      return send(http_response("400 Bad Request", "bad handshake"));
    send(std::make_shared<const std::string>(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Accept: " + accept_key(key) + "\r\n\r\n"));
    send(open_frame);
    websocket_ = true;
    user_ = query_param(query, "user");
  }

  static frame emit(const std::vector<connection*>& to, std::string_view packet) {
    const frame f = ws_frame(packet);
    for (connection* c : to) c->send(f);
    return http_response("202 Accepted", "{\"recipients\":" + std::to_string(to.size()) + "}", "application/json");
  }

  frame emit_to_user(std::string_view id, std::string_view packet) {
    static const std::vector<connection*> nobody;
    const auto it = reg_.users.find(std::string(id));
    return emit(it == reg_.users.end() ? nobody : it->second, packet);
  }

  // A client frame (masked): bytes used, nullopt while incomplete, 0 to stop reading.
  std::optional<std::size_t> handle_frame(std::string_view data) {
    if (data.size() < 2) return std::nullopt;
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(data[i]); };
    const unsigned opcode = byte(0) & 0x0f;
    const bool masked = (byte(1) & 0x80) != 0;
    std::size_t length = byte(1) & 0x7f, pos = 2;
    if (length >= 126) {
      const std::size_t bytes = length == 126 ? 2 : 8;
      if (data.size() < pos + bytes) return std::nullopt;
      length = 0;
      for (std::size_t i = 0; i < bytes; ++i) length = (length << 8) | byte(pos + i);
      pos += bytes;
    }
    if (length > max_request) return close(), 0;
    const std::size_t mask_at = pos;
    if (masked) pos += 4;
    if (data.size() < pos + length) return std::nullopt;

    if (opcode == 0x8) {  // close: reply, then close once the reply is written
      unregister();
      closing_ = true;
      send(close_frame);
      return 0;
    }
    const auto payload = [&](std::size_t i) {
      return masked ? byte(pos + i) ^ byte(mask_at + i % 4) : byte(pos + i);
    };
    if (opcode == 0x1 && length >= 2 && payload(0) == '4' && payload(1) == '0') join();
    return pos + length;
  }

  void join() {
    send(connect_frame);
    if (member_index_) return;
    member_index_ = reg_.members.size();
    reg_.members.push_back(this);
    if (!user_.empty()) reg_.users[user_].push_back(this);
  }

  void unregister() {
    if (!member_index_) return;
    connection* last = reg_.members.back();
    reg_.members[*member_index_] = last;
    last->member_index_ = member_index_;
    reg_.members.pop_back();
    member_index_.reset();
    if (user_.empty()) return;
    const auto it = reg_.users.find(user_);
    std::erase(it->second, this);
    if (it->second.empty()) reg_.users.erase(it);
  }

  void flush() {
    writing_ = true;
    in_flight_.swap(queue_);
    auto done = [self = shared_from_this()](error_code ec, std::size_t) {
      self->in_flight_.clear();
      self->writing_ = false;
      if (ec) return self->close();
      if (!self->queue_.empty()) return self->flush();
      if (self->closing_) self->close();
    };
    if (in_flight_.size() == 1) return asio::async_write(sock_, asio::buffer(*in_flight_.front()), std::move(done));
    std::vector<asio::const_buffer> gather;
    gather.reserve(in_flight_.size());
    for (const frame& f : in_flight_) gather.push_back(asio::buffer(*f));
    asio::async_write(sock_, gather, std::move(done));
  }

  void close() {
    unregister();
    error_code ignored;
    sock_.close(ignored);
  }

  tcp::socket sock_;
  registry& reg_;
  std::string in_;
  std::string user_;
  std::vector<frame> queue_, in_flight_;
  std::optional<std::size_t> member_index_;
  bool websocket_ = false, writing_ = false, closing_ = false;
};

void accept(tcp::acceptor& acceptor, asio::steady_timer& backoff, registry& reg) {
  acceptor.async_accept([&](error_code ec, tcp::socket s) {
    if (ec == asio::error::operation_aborted) return;
    if (ec) {  // out of descriptors, most likely: try again shortly rather than spin
      std::cerr << "floor: accept: " << ec.message() << std::endl;
      backoff.expires_after(std::chrono::milliseconds(50));
      return backoff.async_wait([&](error_code) { accept(acceptor, backoff, reg); });
    }
    std::make_shared<connection>(std::move(s), reg)->start();
    accept(acceptor, backoff, reg);
  });
}

void raise_fd_limit() {
  rlimit l{};
  if (getrlimit(RLIMIT_NOFILE, &l) == 0 && l.rlim_cur < l.rlim_max) {
    l.rlim_cur = l.rlim_max;
    setrlimit(RLIMIT_NOFILE, &l);
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"floor_server: the hardware floor for the switchboard benchmark"};
  unsigned short port = 0;
  std::string address = "127.0.0.1";
  app.add_option("--port", port, "port to listen on; 0 picks a free one");
  app.add_option("--address", address, "address to listen on");
  CLI11_PARSE(app, argc, argv);
  raise_fd_limit();

  registry reg;  // declared before the io_context so that connections outlive none of it
  asio::io_context io(1);
  tcp::acceptor acceptor(io);
  const tcp::endpoint endpoint(asio::ip::make_address(address), port);
  acceptor.open(endpoint.protocol());
  acceptor.set_option(tcp::acceptor::reuse_address(true));
  acceptor.bind(endpoint);
  acceptor.listen(asio::socket_base::max_listen_connections);
  asio::steady_timer backoff(io);
  accept(acceptor, backoff, reg);

  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](error_code, int) { io.stop(); });

  const unsigned short bound = acceptor.local_endpoint().port();
  std::cout << "floor listening on " << bound << ": http://" << address << ":" << bound << std::endl;
  io.run();
  return 0;
}
