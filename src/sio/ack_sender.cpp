#include <boost/asio/post.hpp>

#include "switchboard/http/shard_pool.hpp"
#include "switchboard/sio/socket.hpp"

namespace switchboard::sio {

// The first call of any copy wins; the send itself runs on the socket's shard.
void ack_sender::operator()(arguments args) const {
  if (!state_ || state_->sent.exchange(true, std::memory_order_acq_rel)) return;
  if (http::shard_pool::current_shard() == state_->shard) return state_->send(std::move(args));
  boost::asio::post(state_->executor, [state = state_, args = std::move(args)]() mutable { state->send(std::move(args)); });
}

}  // namespace switchboard::sio
