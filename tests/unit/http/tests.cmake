# http/: RFC 6455 framing, and the listener against raw TCP clients (framing, limits, WebSocket
# queues and close frames); the tests reach the http layer's private headers.
sb_add_unit_test(http_test
  unit/http/server_test.cpp
  unit/http/websocket_frames_test.cpp
  unit/http/websocket_limits_test.cpp
  LIBS switchboard::http)
target_include_directories(http_test PRIVATE ${PROJECT_SOURCE_DIR}/src/http)
