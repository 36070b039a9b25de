# sio/: the Socket.IO server driven through its engine::handler interface with fake sessions.
sb_add_unit_test(sio_test
  unit/sio/server_test.cpp
  LIBS switchboard::sio)
target_include_directories(sio_test PRIVATE ${PROJECT_SOURCE_DIR}/src/sio)
