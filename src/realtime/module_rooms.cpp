#include <boost/asio/dispatch.hpp>

#include "switchboard/auth/guard.hpp"
#include "switchboard/realtime/server.hpp"

namespace switchboard::realtime {

module_rooms::module_rooms(sio::reserved_rooms rooms, authorize_fn authorize)
    : rooms_(std::move(rooms)), authorize_(std::make_shared<const authorize_fn>(std::move(authorize))) {}

void module_rooms::join(sio::socket& s, std::string room_id, std::function<void(std::optional<refusal>)> done) const {
  const auto user = auth::user_id_of(s);
  if (!user) return done(refusal{"unauthenticated", "joining a room needs an authenticated connection"});
  if (room_id.empty() || room_id.size() > 256) return done(refusal{"invalid_room", "a room id has 1 to 256 characters"});
  // The module may answer from any thread: the socket is touched on its own shard only.
  (*authorize_)(*user, room_id, [socket = s.shared_from_this(), rooms = rooms_, room_id, done = std::move(done)](
                                    std::optional<refusal> refused) mutable {
    boost::asio::dispatch(socket->executor(), [socket, rooms, room_id, done = std::move(done), refused]() mutable {
      if (!refused && socket->connected()) rooms.join(*socket, room_id);
      if (!refused && !socket->connected()) refused = refusal{"disconnected", "the socket left before it was let in"};
      done(std::move(refused));
    });
  });
}

}  // namespace switchboard::realtime
