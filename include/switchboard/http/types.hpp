#pragma once
// HTTP messages as the listener hands them to the routes.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <functional>
#include <memory>
#include <string>

namespace switchboard::http {

using request = boost::beast::http::request<boost::beast::http::string_body>;
using response = boost::beast::http::response<boost::beast::http::string_body>;
using header = boost::beast::http::request_header<>;

// One request in flight. Thread-safe: respond() may be called once, from any thread; the
// response is written on the connection's own shard.
class exchange {
 public:
  virtual ~exchange() = default;
  virtual const request& req() const noexcept = 0;
  virtual const boost::asio::ip::tcp::endpoint& remote() const noexcept = 0;
  virtual std::size_t shard() const noexcept = 0;
  virtual void respond(response res) = 0;
};
using exchange_ptr = std::shared_ptr<exchange>;

// A text response with the request's HTTP version and keep-alive.
response make_response(const request& req, boost::beast::http::status status, std::string body,
                       std::string_view content_type = "text/plain; charset=UTF-8");

}  // namespace switchboard::http
