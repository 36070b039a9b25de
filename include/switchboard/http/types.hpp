#pragma once
/// @file
/// HTTP messages as the listener hands them to the routes.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <functional>
#include <memory>
#include <string>

namespace switchboard::http {

/// An HTTP request, its body read whole.
using request = boost::beast::http::request<boost::beast::http::string_body>;
/// An HTTP response with a string body.
using response = boost::beast::http::response<boost::beast::http::string_body>;
/// The header of a request, without its body.
using header = boost::beast::http::request_header<>;

/// One request in flight. Thread-safe: respond() may be called once, from any thread; the
/// response is written on the connection's own shard.
class exchange {
 public:
  virtual ~exchange() = default;
  /// The request, body included.
  virtual const request& req() const noexcept = 0;
  /// The TCP peer.
  virtual const boost::asio::ip::tcp::endpoint& remote() const noexcept = 0;
  /// The shard the connection lives on.
  virtual std::size_t shard() const noexcept = 0;
  /// Answers the request. Once, from any thread.
  virtual void respond(response res) = 0;
};
/// How an exchange is handed to a route: the route may keep it until it answers (long-polling).
using exchange_ptr = std::shared_ptr<exchange>;

/// A text response with the request's HTTP version and keep-alive.
/// @code
/// ex->respond(http::make_response(ex->req(), boost::beast::http::status::ok, "pong"));
/// @endcode
response make_response(const request& req, boost::beast::http::status status, std::string body,
                       std::string_view content_type = "text/plain; charset=UTF-8");

}  // namespace switchboard::http
