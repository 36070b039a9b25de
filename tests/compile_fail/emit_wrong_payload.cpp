// Emitting an event with another event's payload type does not compile.
#include "../unit/realtime/test_events.hpp"
#include "switchboard/realtime/server.hpp"

void emit_it() {
  namespace rt = switchboard::realtime;
#ifdef SHOULD_FAIL
  (void)rt::current().emit(test_events::note_shared, rt::to_users{{"1"}}, test_events::Author{});
#else
  (void)rt::current().emit(test_events::note_shared, rt::to_users{{"1"}}, test_events::Note{});
#endif
}
