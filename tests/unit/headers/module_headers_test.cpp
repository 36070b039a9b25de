// What a module includes must not bring the HTTP stack with it: Beast, or Asio's sockets. This
// file includes those headers first and alone, so that a header pulling them back in fails the
// build here.
#include "switchboard/auth/guard.hpp"
#include "switchboard/realtime/emitter.hpp"
#include "switchboard/realtime/event.hpp"
#include "switchboard/realtime/payload.hpp"
#include "switchboard/realtime/server.hpp"
#include "switchboard/realtime/typed.hpp"
#include "switchboard/sio/reserved_rooms.hpp"
#include "switchboard/sio/socket.hpp"

#if defined(BOOST_BEAST_CORE_DETAIL_CONFIG_HPP)  // included by every Beast header
#error "a module header includes Boost.Beast"
#endif
#if defined(BOOST_ASIO_IP_TCP_HPP) || defined(BOOST_ASIO_BASIC_SOCKET_HPP) || defined(BOOST_ASIO_IO_CONTEXT_HPP)
#error "a module header includes Asio's networking"
#endif

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <string>

namespace {

namespace rt = switchboard::realtime;

struct Note {
  std::string text;
};
BOOST_DESCRIBE_STRUCT(Note, (), (text))

constexpr rt::client_event<Note, Note> post_note{"note:post"};

// A module's install function, as a module author writes it with these headers alone.
[[maybe_unused]] void install(rt::server& server) {
  server.on(post_note, [](switchboard::sio::socket& s, const Note& note, rt::ack<Note> ack) {
    ack(Note{switchboard::auth::user_id_of(s).value_or("") + ": " + note.text});
  });
}

TEST(ModuleHeaders, DescribeAModuleWithoutTheHttpStack) {
  EXPECT_EQ(std::string(post_note.name), "note:post");
  EXPECT_EQ(rt::to_json(Note{"hi"}), boost::json::parse(R"({"text":"hi"})"));
}

}  // namespace
