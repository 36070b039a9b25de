#include "switchboard/sio/reserved_rooms.hpp"

#include "socket_impl.hpp"

namespace switchboard::sio {

void reserved_rooms::join(socket& s, std::string_view suffix) const {
  static_cast<detail::socket_impl&>(s).enter_room(room(suffix));
}

void reserved_rooms::leave(socket& s, std::string_view suffix) const {
  static_cast<detail::socket_impl&>(s).leave_room(room(suffix));
}

}  // namespace switchboard::sio
