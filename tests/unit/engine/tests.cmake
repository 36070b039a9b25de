# engine/: limits and lifetime of Engine.IO sessions, against an in-process server on a free port
# with raw HTTP and WebSocket clients (Beast, synchronous, each under a watchdog).
sb_add_unit_test(engine_test
  unit/engine/allow_request_test.cpp
  unit/engine/client_limiter_test.cpp
  unit/engine/cors_test.cpp
  unit/engine/engine_fixture.cpp
  unit/engine/handshake_request_test.cpp
  unit/engine/limits_test.cpp
  unit/engine/lifetime_test.cpp
  unit/engine/query_test.cpp
  unit/engine/relay_test.cpp
  unit/engine/queue_test.cpp
  LIBS switchboard::engine)
target_include_directories(engine_test PRIVATE ${PROJECT_SOURCE_DIR}/src/engine)
