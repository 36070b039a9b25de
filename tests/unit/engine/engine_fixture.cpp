#include "engine_fixture.hpp"

#include <boost/asio/connect.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <sys/socket.h>

namespace engine_test {

namespace asio = boost::asio;
namespace bh = boost::beast::http;

void recording_handler::on_open(const sb::engine::session_ptr& s) {
  if (on_open_hook) on_open_hook(s);
  const std::lock_guard lock(mutex_);
  opened_.push_back(s);
}

void recording_handler::on_message(const sb::engine::session_ptr&, bool, std::string data) {
  const std::lock_guard lock(mutex_);
  messages_.push_back(std::move(data));
}

std::vector<std::string> recording_handler::messages() const {
  const std::lock_guard lock(mutex_);
  return messages_;
}

void recording_handler::on_close(const sb::engine::session_ptr& s, std::string_view reason) {
  const std::lock_guard lock(mutex_);
  closes_.push_back({s->id(), std::string(reason)});
}

std::vector<std::weak_ptr<sb::engine::session>> recording_handler::opened() const {
  const std::lock_guard lock(mutex_);
  return opened_;
}

std::vector<recording_handler::closed> recording_handler::closes() const {
  const std::lock_guard lock(mutex_);
  return closes_;
}

std::weak_ptr<sb::engine::session> recording_handler::find(const std::string& id) const {
  const std::lock_guard lock(mutex_);
  for (const auto& weak : opened_) {
    if (auto s = weak.lock(); s && s->id() == id) return weak;
  }
  return {};
}

engine_fixture::engine_fixture(sb::engine::options options, std::size_t threads) {
  options.path = "/engine.io/";
  http_ = std::make_unique<sb::http::server>(sb::http::server_options{.address = "127.0.0.1", .port = 0, .threads = threads});
  engine_ = sb::engine::server::attach(*http_, std::move(options), handler_);
  http_->start();
}

engine_fixture::~engine_fixture() { destroy(); }

// The engine goes before the HTTP server: sessions it frees still need their shard's io_context.
void engine_fixture::destroy() {
  if (http_) http_->stop();
  engine_.reset();
  http_.reset();
}

watchdog::watchdog(asio::ip::tcp::socket& socket, std::chrono::seconds timeout) {
  const int fd = socket.native_handle();
  thread_ = std::thread([this, fd, timeout] {
    std::unique_lock lock(mutex_);
    if (!done_cv_.wait_for(lock, timeout, [this] { return done_; })) ::shutdown(fd, SHUT_RDWR);
  });
}

watchdog::~watchdog() {
  {
    const std::lock_guard lock(mutex_);
    done_ = true;
  }
  done_cv_.notify_one();
  thread_.join();
}

namespace {

asio::ip::tcp::socket connect(asio::io_context& ioc, std::uint16_t port) {
  asio::ip::tcp::socket socket(ioc);
  socket.connect({asio::ip::make_address("127.0.0.1"), port});
  return socket;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

http_answer request(std::uint16_t port, const std::string& method, const std::string& target,
                    const std::map<std::string, std::string>& headers, const std::string& body) {
  asio::io_context ioc;
  auto socket = connect(ioc, port);
  const watchdog guard(socket);
  bh::request<bh::string_body> req{bh::string_to_verb(method), target, 11};
  req.set(bh::field::host, "127.0.0.1:" + std::to_string(port));
  for (const auto& [name, value] : headers) req.set(name, value);
  req.body() = body;
  req.prepare_payload();
  bh::write(socket, req);
  boost::beast::flat_buffer buffer;
  bh::response<bh::string_body> res;
  bh::response_parser<bh::string_body> parser;
  parser.skip(method == "HEAD");
  bh::read(socket, buffer, parser);
  res = parser.release();
  http_answer answer{res.result_int(), res.body(), {}};
  for (const auto& field : res) answer.headers[lower(std::string(field.name_string()))] = std::string(field.value());
  return answer;
}

std::string open_polling(std::uint16_t port, const std::map<std::string, std::string>& headers, http_answer* refused) {
  http_answer answer = request(port, "GET", "/engine.io/?EIO=4&transport=polling", headers);
  if (answer.status != 200) {
    if (refused) *refused = std::move(answer);
    return {};
  }
  // "0{"sid":"...",...}"
  const auto start = answer.body.find("\"sid\":\"") + 7;
  return answer.body.substr(start, answer.body.find('"', start) - start);
}

std::unique_ptr<websocket> open_websocket(asio::io_context& ioc, std::uint16_t port, const std::string& target,
                                          const std::map<std::string, std::string>& headers) {
  auto ws = std::make_unique<websocket>(connect(ioc, port));
  ws->set_option(boost::beast::websocket::stream_base::decorator([headers](boost::beast::websocket::request_type& req) {
    for (const auto& [name, value] : headers) req.set(name, value);
  }));
  const watchdog guard(ws->next_layer());
  ws->handshake("127.0.0.1:" + std::to_string(port), target);
  return ws;
}

}  // namespace engine_test
