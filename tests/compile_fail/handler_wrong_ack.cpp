// A typed handler answers with its event's ack type only.
#include "../unit/realtime/test_events.hpp"
#include "switchboard/realtime/typed.hpp"

void install(switchboard::sio::socket& socket) {
  namespace rt = switchboard::realtime;
#ifdef SHOULD_FAIL
  rt::on(socket, test_events::note_save,
         [](switchboard::sio::socket&, const test_events::Note&, rt::ack<test_events::Note>) {});
#else
  rt::on(socket, test_events::note_save,
         [](switchboard::sio::socket&, const test_events::Note&, rt::ack<test_events::NoteSaved> ack) {
           ack(test_events::NoteSaved{"n1"});
         });
#endif
}
