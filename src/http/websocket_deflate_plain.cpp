#include "websocket_session.hpp"
#include "streams.hpp"

namespace switchboard::http::detail {

template upgrade_session_ptr<plain_stream> make_deflate_session<plain_stream>(boost::asio::any_io_executor, websocket_options,
                                                                        websocket_upgrade::message_handler,
                                                                        websocket_upgrade::closed_handler);

}  // namespace switchboard::http::detail
