#pragma once
/// @file
/// What became of a frame given to a session: apart from engine/session.hpp, so that the headers
/// of the layers above (sio/socket.hpp) need neither Asio's networking nor Beast.

namespace switchboard::engine {

/// What became of a frame given to session::send(): `queued` for the transport; `dropped`, not
/// sent (a volatile frame that could not go now, or a full queue under overflow_policy::drop);
/// `closed`, not sent because the session is closed or closing (or the frame overflowed its queue
/// and closed it).
enum class send_status { queued, dropped, closed };

}  // namespace switchboard::engine
