# http/: RFC 6455 framing, and the listener against raw TCP clients (framing, limits, WebSocket
# queues and close frames); the tests reach the http layer's private headers.
sb_add_unit_test(http_test
  unit/http/deadline_queue_test.cpp
  unit/http/listen_addresses_test.cpp
  unit/http/peer_address_test.cpp
  unit/http/relay_test.cpp
  unit/http/server_test.cpp
  unit/http/stop_signals_test.cpp
  unit/http/websocket_frames_test.cpp
  unit/http/websocket_limits_test.cpp
  LIBS switchboard::http)
target_include_directories(http_test PRIVATE ${PROJECT_SOURCE_DIR}/src/http)

# The accept loop out of descriptors. It takes every descriptor of the process away, and UBSan's
# vptr check needs one (a pipe) to read memory, so it reports a false type error: this test is
# built and run in unsanitized trees only, whatever SWITCHBOARD_UNIT_TESTS says.
if(NOT SWITCHBOARD_SANITIZE)
  add_executable(http_descriptors_test unit/http/descriptors_test.cpp)
  target_link_libraries(http_descriptors_test PRIVATE switchboard::http GTest::gtest GTest::gtest_main sb_options)
  gtest_discover_tests(http_descriptors_test PROPERTIES LABELS unit DISCOVERY_TIMEOUT 30)
endif()
