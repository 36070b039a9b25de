// An event that is not declared in a catalogue (a bare name) cannot be emitted.
#include "../unit/realtime/test_events.hpp"
#include "switchboard/realtime/server.hpp"

void emit_it() {
  namespace rt = switchboard::realtime;
#ifdef SHOULD_FAIL
  (void)rt::current().emit("note:shared", rt::to_users{{"1"}}, test_events::Note{});
#else
  (void)rt::current().emit(test_events::note_shared, rt::to_users{{"1"}}, test_events::Note{});
#endif
}
