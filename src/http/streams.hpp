#pragma once
// The two stream kinds a connection runs on; each is compiled in its own files (see CMakeLists.txt).
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

namespace switchboard::http::detail {

using plain_stream = boost::beast::tcp_stream;
using tls_stream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

}  // namespace switchboard::http::detail
