// The whole server under libFuzzer: HTTP requests and WebSocket frames from the input go over
// loopback TCP into an in-process http + engine + sio server (server_fuzz_app.hpp), through its
// real connection code. ASan/UBSan watch the server's shard thread too: the server must not crash.
//
// Input: connections separated by "\n===\n", opened in turn and all kept until the input ends.
// A connection's first line says how it starts; the rest of that line is added to the query of
// the harness's handshake (a leading '3' makes it an Engine.IO v3 session, EIO=3; the server
// serves v3 and the msgpack parser, and JSON clients beside it):
//   R  raw: the parts are written as they are, one write each;
//   P  the harness does an Engine.IO polling handshake;
//   W  the harness does a WebSocket handshake (no sid);
//   another first byte picks one of the three by its value.
// The rest of a connection is parts separated by "\n---\n". In P and W connections a part's first
// byte says what it is:
//   P<body>   a POST of <body> to the session;  G  a polling GET (each on a new connection);
//   R<bytes>  raw bytes on a new connection, with "$SID" replaced by the session id;
//   U         an upgrade: a new WebSocket connection with the session's sid;
//   otherwise a frame on the session's WebSocket: t text, b binary, c close, p ping, o pong,
//             f / g first fragment of a text / binary message, n continuation, e final
//             continuation, u unmasked text, r raw bytes; any other byte is the frame's first
//             byte as is. Without a WebSocket the part is POSTed whole.
//
// Run (fuzz tree): build-fuzz/bin/server_fuzz -dict=fuzz/server.dict <scratch dir> fuzz/corpus/server
// (`make fuzz` does it for longer). SERVER_FUZZ_TRACE=1 build-fuzz/bin/server_fuzz <input> prints
// what each connection of that input received (waiting up to 1 s). For long runs, set
// SERVER_FUZZ_LAST (below) and ASAN_OPTIONS=quarantine_size_mb=16 (RSS then stays near 120 MB).
#include <chrono>
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "server_fuzz_app.hpp"
#include "server_fuzz_client.hpp"

namespace {

using switchboard::fuzz::loopback_client;
using namespace std::chrono_literals;

constexpr std::size_t max_connections = 4;  // per input
constexpr std::size_t max_parts = 64;       // per connection
constexpr std::size_t max_sockets = 16;     // TCP connections per input
constexpr auto answer_limit = 50ms;         // for an answer the harness needs (handshake, POST)
constexpr auto poll_quiet = 5ms;            // a GET may be held until the server has packets
constexpr auto drain_quiet = 5ms;           // at the end, for whatever still comes
constexpr auto drain_limit = 50ms;
constexpr auto close_limit = 30ms;          // for the server to close after the client's FIN
constexpr auto write_patience = 50ms;

std::uint16_t port = 0;

std::vector<std::string_view> split(std::string_view in, std::string_view separator, std::size_t max) {
  std::vector<std::string_view> out;
  while (out.size() + 1 < max) {
    const auto at = in.find(separator);
    if (at == std::string_view::npos) break;
    out.push_back(in.substr(0, at));
    in.remove_prefix(at + separator.size());
  }
  out.push_back(in);
  return out;
}

bool starts_with_ci(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if ((text[i] | 0x20) != (prefix[i] | 0x20)) return false;
  }
  return true;
}

// The size of the first complete HTTP response in `in`, or 0 while it is not complete (or its
// length is not known before the server closes).
std::size_t http_response_size(std::string_view in) {
  const auto end = in.find("\r\n\r\n");
  if (end == std::string_view::npos) return 0;
  const std::size_t head = end + 4;
  if (in.starts_with("HTTP/1.1 1")) return head;  // 101: the WebSocket's frames follow
  for (auto line = in.find("\r\n"); line < end; line = in.find("\r\n", line + 2)) {
    const std::string_view rest = in.substr(line + 2, end - line - 2);
    if (starts_with_ci(rest, "content-length:")) {
      std::size_t length = 0;
      for (const char c : rest.substr(15, rest.find("\r\n") - 15)) {
        if (c >= '0' && c <= '9') length = length * 10 + static_cast<std::size_t>(c - '0');
      }
      return in.size() - head >= length ? head + length : 0;
    }
    if (starts_with_ci(rest, "transfer-encoding:")) {
      const auto last = in.find("\r\n0\r\n\r\n", end);
      return last == std::string_view::npos ? 0 : last + 7;
    }
  }
  return head;
}

// The payload of the unmasked server frame at the start of `in`, and its size in `size` (0 while
// incomplete).
std::string_view server_frame(std::string_view in, std::size_t& size) {
  size = 0;
  if (in.size() < 2) return {};
  std::size_t length = static_cast<unsigned char>(in[1]) & 0x7f;
  std::size_t head = 2;
  if (length >= 126) {
    const std::size_t bytes = length == 126 ? 2 : 8;
    if (in.size() < 2 + bytes) return {};
    length = 0;
    for (std::size_t i = 0; i < bytes; ++i) length = (length << 8) | static_cast<unsigned char>(in[2 + i]);
    head += bytes;
  }
  if (in.size() - head < length) return {};
  size = head + length;
  return in.substr(head, length);
}

// The "sid" of an Engine.IO open packet, or empty.
std::string sid_of(std::string_view open) {
  const auto at = open.find("\"sid\":\"");
  if (at == std::string_view::npos) return {};
  const auto from = at + 7;
  const auto to = open.find('"', from);
  return to == std::string_view::npos ? std::string() : std::string(open.substr(from, to - from));
}

std::string replace_sid(std::string_view in, const std::string& sid) {
  std::string out;
  for (auto at = in.find("$SID"); at != std::string_view::npos; at = in.find("$SID")) {
    out.append(in.substr(0, at)).append(sid);
    in.remove_prefix(at + 4);
  }
  return out.append(in);
}

std::string frame(std::uint8_t first, std::string_view payload, bool masked) {
  static constexpr unsigned char mask[4] = {0x37, 0xfa, 0x21, 0x3d};
  std::string out(1, static_cast<char>(first));
  const auto bit = static_cast<unsigned char>(masked ? 0x80 : 0);
  if (payload.size() < 126) {
    out.push_back(static_cast<char>(bit | payload.size()));
  } else if (payload.size() <= 0xffff) {
    out.push_back(static_cast<char>(bit | 126));
    for (int shift = 8; shift >= 0; shift -= 8) out.push_back(static_cast<char>(payload.size() >> shift));
  } else {
    out.push_back(static_cast<char>(bit | 127));
    for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>(payload.size() >> shift));
  }
  if (masked) out.append(reinterpret_cast<const char*>(mask), 4);
  for (std::size_t i = 0; i < payload.size(); ++i) {
    out.push_back(masked ? static_cast<char>(payload[i] ^ mask[i % 4]) : payload[i]);
  }
  return out;
}

// The bytes a WebSocket part puts on the wire.
std::string websocket_bytes(std::string_view part) {
  const auto kind = static_cast<unsigned char>(part.front());
  const std::string_view payload = part.substr(1);
  switch (kind) {
    case 't': return frame(0x81, payload, true);
    case 'b': return frame(0x82, payload, true);
    case 'c': return frame(0x88, payload, true);
    case 'p': return frame(0x89, payload, true);
    case 'o': return frame(0x8a, payload, true);
    case 'f': return frame(0x01, payload, true);
    case 'g': return frame(0x02, payload, true);
    case 'n': return frame(0x00, payload, true);
    case 'e': return frame(0x80, payload, true);
    case 'u': return frame(0x81, payload, false);
    case 'r': return std::string(payload);
    default: return frame(kind, payload, true);
  }
}

std::string polling_request(std::string_view method, const std::string& sid, std::string_view body, char eio) {
  std::string out(method);
  out.append(" /socket.io/?EIO=").append(1, eio).append("&transport=polling&sid=").append(sid);
  out.append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
  if (method == "POST") {
    out.append("Content-Type: text/plain;charset=UTF-8\r\nContent-Length: ").append(std::to_string(body.size()));
    out.append("\r\n");
  }
  return out.append("\r\n").append(body);
}

std::string websocket_request(const std::string& sid, std::string_view query, char eio) {
  std::string out("GET /socket.io/?EIO=");
  out.append(1, eio).append("&transport=websocket");
  if (!sid.empty()) out.append("&sid=").append(sid);
  out.append(query).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n");
  return out.append("Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
}

bool has_response(std::string_view in) { return http_response_size(in) > 0; }

// One input's TCP connections, all closed when it ends.
class run {
 public:
  void connection(std::string_view text) {
    const auto line_end = text.find('\n');
    const std::string_view first = text.substr(0, line_end);
    const std::string_view rest = line_end == std::string_view::npos ? std::string_view() : text.substr(line_end + 1);
    if (first.empty()) return;
    const auto parts = split(rest, "\n---\n", max_parts);
    char scenario = first.front();
    if (scenario != 'R' && scenario != 'P' && scenario != 'W') scenario = "RPW"[static_cast<unsigned char>(scenario) % 3];
    std::string_view query = first.substr(1);
    if (scenario == 'R') return raw(parts);
    session s;
    if (query.starts_with('3')) {
      s.eio = '3';
      query.remove_prefix(1);
    }
    if (scenario == 'P') {
      loopback_client* c = open();
      if (c == nullptr) return;
      c->write("GET /socket.io/?EIO=" + std::string(1, s.eio) + "&transport=polling" + std::string(query) +
                   " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
               write_patience);
      c->read(answer_limit, answer_limit, has_response);
      s.sid = sid_of(c->received());
    } else {
      s.ws = upgrade(s, query);
      if (s.ws != nullptr) {
        std::size_t size = 0;
        s.ws->read(answer_limit, answer_limit, [&size](std::string_view in) { return !server_frame(in, size).empty(); });
        s.sid = sid_of(server_frame(s.ws->received(), size));
      }
    }
    for (const std::string_view part : parts) {
      if (!part.empty()) session_part(s, part);
    }
  }

  // Whatever the server still sends, until each connection is quiet, closed or out of time.
  // SERVER_FUZZ_TRACE=1 prints it, to see what a reproducer does, and waits longer for late answers.
  void drain() {
    static const bool trace = std::getenv("SERVER_FUZZ_TRACE") != nullptr;
    loopback_client::read_all(sockets_, trace ? 300ms : drain_quiet, trace ? 1000ms : drain_limit);
    // Half-close and wait for the server's close: it has then handled every byte of the input, and
    // a crash it causes happens while libFuzzer still knows the input.
    for (const auto& c : sockets_) c->shutdown_write();
    loopback_client::read_all(sockets_, close_limit, close_limit);
    for (const auto& c : sockets_) {
      if (trace) std::fprintf(stderr, "--- connection received:\n%.*s\n", static_cast<int>(c->received().size()), c->received().data());
    }
  }

 private:
  struct session {
    std::string sid;
    loopback_client* ws = nullptr;
    char eio = '4';  // the Engine.IO protocol of its requests
  };

  loopback_client* open() {
    if (sockets_.size() >= max_sockets) return nullptr;
    auto c = std::make_unique<loopback_client>(port);
    if (!c->usable()) return nullptr;
    sockets_.push_back(std::move(c));
    return sockets_.back().get();
  }

  void raw(const std::vector<std::string_view>& parts) {
    loopback_client* c = open();
    if (c == nullptr) return;
    for (const std::string_view part : parts) {
      if (!c->write(part, write_patience)) return;
      c->read(0ms, 0ms);
    }
  }

  // A WebSocket handshake on a new connection; the 101 is consumed, the frames stay.
  loopback_client* upgrade(const session& s, std::string_view query) {
    loopback_client* c = open();
    if (c == nullptr) return nullptr;
    c->write(websocket_request(s.sid, query, s.eio), write_patience);
    c->read(answer_limit, answer_limit, has_response);
    const std::size_t head = http_response_size(c->received());
    if (!c->received().starts_with("HTTP/1.1 101")) return nullptr;
    c->consume(head);
    return c;
  }

  void request(std::string bytes, std::chrono::milliseconds quiet) {
    loopback_client* c = open();
    if (c == nullptr) return;
    c->write(bytes, write_patience);
    c->read(quiet, answer_limit, has_response);
  }

  void session_part(session& s, std::string_view part) {
    switch (part.front()) {
      case 'P': return request(polling_request("POST", s.sid, part.substr(1), s.eio), answer_limit);
      case 'G': return request(polling_request("GET", s.sid, {}, s.eio), poll_quiet);
      case 'R': return request(replace_sid(part.substr(1), s.sid), poll_quiet);
      case 'U':
        if (auto* c = upgrade(s, part.substr(1))) s.ws = c;
        return;
      default:
        if (s.ws == nullptr) return request(polling_request("POST", s.sid, part, s.eio), answer_limit);
        s.ws->write(websocket_bytes(part), write_patience);
        s.ws->read(0ms, 0ms);
    }
  }

  std::vector<std::unique_ptr<loopback_client>> sockets_;
};

// SERVER_FUZZ_LAST=<file>: each input is written there first, the one before to <file>.prev. The
// server may crash after libFuzzer considers an input done (its crash file is then empty): these
// two are the likely culprits.
void keep_last(std::string_view input) {
  static const char* const path = std::getenv("SERVER_FUZZ_LAST");
  if (path == nullptr) return;
  std::rename(path, (std::string(path) + ".prev").c_str());
  if (std::FILE* f = std::fopen(path, "wb")) {
    std::fwrite(input.data(), 1, input.size(), f);
    std::fclose(f);
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  std::signal(SIGPIPE, SIG_IGN);
  port = switchboard::fuzz::start_server();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  keep_last(input);
  {
    run r;
    for (const std::string_view text : split(input, "\n===\n", max_connections)) r.connection(text);
    r.drain();
  }
  // The connections are closed: let the server take that in (twice: a close may queue more work).
  switchboard::fuzz::settle();
  switchboard::fuzz::settle();
  return 0;
}
