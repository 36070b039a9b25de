#include <boost/beast/websocket/ssl.hpp>

#include "raw_websocket_session.hpp"
#include "streams.hpp"

namespace switchboard::http::detail {

template upgrade_session_ptr<tls_stream> make_raw_session<tls_stream>(boost::asio::any_io_executor, websocket_options,
                                                                        websocket_upgrade::message_handler,
                                                                        websocket_upgrade::closed_handler);

}  // namespace switchboard::http::detail
