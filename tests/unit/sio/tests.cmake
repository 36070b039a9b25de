# sio/: the Socket.IO server driven through its engine::handler interface with fake sessions, and
# its shutdown against raw polling clients (the engine tests' fixture).
sb_add_unit_test(sio_test
  unit/engine/engine_fixture.cpp
  unit/sio/arguments_test.cpp
  unit/sio/observer_test.cpp
  unit/sio/server_test.cpp
  unit/sio/shutdown_test.cpp
  LIBS switchboard::sio)
target_include_directories(sio_test PRIVATE ${PROJECT_SOURCE_DIR}/src/sio)
