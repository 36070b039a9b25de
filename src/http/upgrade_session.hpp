#pragma once
// A WebSocket session waiting for the stream of the connection it upgrades. The sessions are
// built by these factories, each instantiated in a file of its own: Beast's WebSocket templates
// are the heaviest code of the project to compile, and apart they build in parallel.
#include <boost/asio/any_io_executor.hpp>
#include <memory>

#include "connection_limits.hpp"
#include "switchboard/http/websocket_channel.hpp"

namespace switchboard::http::detail {

template <class Stream>
class upgrade_session : public websocket_channel {
 public:
  // On the shard: takes the connection's stream and answers the upgrade request.
  // Takes the connection's stream by reference: moving a Beast stream allocates its state anew.
  virtual void begin(Stream&& stream, request upgrade, connection_slot_ptr slot) = 0;
};

template <class Stream>
using upgrade_session_ptr = std::shared_ptr<upgrade_session<Stream>>;

// Beast's stream, for permessage-deflate.
template <class Stream>
upgrade_session_ptr<Stream> make_deflate_session(boost::asio::any_io_executor executor, websocket_options options,
                                                 websocket_upgrade::message_handler on_message,
                                                 websocket_upgrade::closed_handler on_closed);

// The project's own frames over the bare stream, without compression.
template <class Stream>
upgrade_session_ptr<Stream> make_raw_session(boost::asio::any_io_executor executor, websocket_options options,
                                             websocket_upgrade::message_handler on_message,
                                             websocket_upgrade::closed_handler on_closed);

}  // namespace switchboard::http::detail
