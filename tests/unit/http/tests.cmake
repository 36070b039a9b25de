# http/: RFC 6455 framing; the test reaches the http layer's private header.
sb_add_unit_test(http_test unit/http/websocket_frames_test.cpp LIBS switchboard::http)
target_include_directories(http_test PRIVATE ${PROJECT_SOURCE_DIR}/src/http)
