# The integration, e2e and bench smoke tests, with the fixture servers they start.
add_subdirectory(fixtures)

# The codecs against the reference JavaScript ones (socket.io-parser, engine.io-parser,
# notepack.io from the committed npm lock file), on seeded random vectors made at test time.
find_program(NODE_EXECUTABLE node REQUIRED)
add_executable(reference_check conformance/reference_check.cpp)
target_link_libraries(reference_check PRIVATE switchboard::wire sb_options)
add_test(NAME conformance.reference_codecs
         COMMAND sh -c "'${NODE_EXECUTABLE}' '${CMAKE_CURRENT_SOURCE_DIR}/conformance/reference_vectors.mjs' 2000 > reference_vectors.jsonl && '$<TARGET_FILE:reference_check>' reference_vectors.jsonl"
         WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
set_tests_properties(conformance.reference_codecs PROPERTIES LABELS integration TIMEOUT 300)

# Node.js tests against fixture servers (node:test). Each file starts its own fixture from this
# tree's bin/ on a free port and stops it by its pid.
function(sb_add_node_test name file label)
  add_test(NAME ${name} COMMAND ${NODE_EXECUTABLE} --test --test-reporter=spec ${CMAKE_CURRENT_SOURCE_DIR}/${file})
  set_tests_properties(${name} PROPERTIES LABELS ${label} TIMEOUT 300
                       ENVIRONMENT "SWITCHBOARD_BIN_DIR=${CMAKE_BINARY_DIR}/bin")
endfunction()

sb_add_node_test(engineio.protocol e2e/engineio/protocol.test.mjs integration)
sb_add_node_test(engineio.cors e2e/engineio/cors.test.mjs integration)
sb_add_node_test(engineio.abandoned_sessions e2e/engineio/abandoned.test.mjs integration)
sb_add_node_test(engineio.options e2e/engineio/options.test.mjs integration)
sb_add_node_test(engineio.official_client e2e/engineio/client.test.mjs e2e)
sb_add_node_test(socketio.protocol e2e/socketio/protocol.test.mjs integration)
sb_add_node_test(socketio.official_client e2e/socketio/client.test.mjs e2e)
sb_add_node_test(engineio.eio3 e2e/engineio/eio3.test.mjs e2e)
sb_add_node_test(socketio.msgpack_client e2e/socketio/msgpack_client.test.mjs e2e)
sb_add_node_test(socketio.v2_client e2e/socketio/v2_client.test.mjs e2e)
sb_add_node_test(auth.official_client e2e/auth/auth.test.mjs e2e)
sb_add_node_test(realtime.modules e2e/realtime/modules.test.mjs e2e)
sb_add_node_test(server.serve e2e/server/serve.test.mjs e2e)
sb_add_node_test(server.credentials e2e/server/credentials.test.mjs e2e)
sb_add_node_test(server.slow_consumer e2e/server/slow_consumer.test.mjs e2e)
sb_add_node_test(server.chat e2e/server/chat.test.mjs e2e)
sb_add_node_test(server.demo e2e/server/demo.test.mjs e2e)
sb_add_node_test(server.browser e2e/server/browser.test.mjs e2e)
if(SWITCHBOARD_HTTP_TLS)  # else in the release tree (tests/CMakeLists.txt)
  sb_add_node_test(server.tls e2e/server/tls.test.mjs e2e)
endif()
sb_add_node_test(server.cluster e2e/server/cluster.test.mjs e2e)
# switchboard and Node.js nodes (the official adapter) in one cluster, and the official emitter.
sb_add_node_test(cluster.mixed e2e/cluster/mixed.test.mjs e2e)
# Long-polling without sticky sessions: three nodes behind a round-robin balancer.
sb_add_node_test(cluster.no_sticky e2e/cluster/no_sticky.test.mjs e2e)

# The Python client (Debian's python3-socketio), with the system interpreter.
add_test(NAME socketio.python_client COMMAND /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/e2e/socketio/python_client.py)
set_tests_properties(socketio.python_client PROPERTIES LABELS e2e TIMEOUT 300
                     ENVIRONMENT "SWITCHBOARD_BIN_DIR=${CMAKE_BINARY_DIR}/bin")
add_test(NAME auth.python_client COMMAND /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/e2e/auth/python_client.py)
set_tests_properties(auth.python_client PROPERTIES LABELS e2e TIMEOUT 300
                     ENVIRONMENT "SWITCHBOARD_BIN_DIR=${CMAKE_BINARY_DIR}/bin")

# Every benchmark scenario at a tiny size, against switchboard, the Node.js reference and the
# floor: proves the instruments work end to end. No timing is asserted (docs/BENCHMARKS.md).
foreach(scenario fanout users connect idle scale polling cluster emitter)
  add_test(NAME bench.smoke.${scenario} COMMAND ${PROJECT_SOURCE_DIR}/bench/run.sh ${scenario} --smoke)
  set_tests_properties(bench.smoke.${scenario} PROPERTIES LABELS bench TIMEOUT 300
    ENVIRONMENT "BUILD_DIR=${CMAKE_BINARY_DIR};BENCH_OUT=${CMAKE_CURRENT_BINARY_DIR}/bench-smoke/${scenario}")
endforeach()
# The users scenario with switchboard's batch emits (arrays of 10 through POST /api/v1/emit).
add_test(NAME bench.smoke.users-batch COMMAND ${PROJECT_SOURCE_DIR}/bench/run.sh users --smoke --emit-batch 10)
set_tests_properties(bench.smoke.users-batch PROPERTIES LABELS bench TIMEOUT 300
  ENVIRONMENT "BUILD_DIR=${CMAKE_BINARY_DIR};BENCH_OUT=${CMAKE_CURRENT_BINARY_DIR}/bench-smoke/users-batch")
# Random user events over 2 nodes, classic and sharded, one Redis and a Redis Cluster (cluster-scale).
add_test(NAME bench.smoke.cluster-scale COMMAND /usr/bin/python3 ${PROJECT_SOURCE_DIR}/bench/cluster_scale.py --smoke)
set_tests_properties(bench.smoke.cluster-scale PROPERTIES LABELS bench TIMEOUT 300
  ENVIRONMENT "BUILD_DIR=${CMAKE_BINARY_DIR};BENCH_OUT=${CMAKE_CURRENT_BINARY_DIR}/bench-smoke/cluster-scale")
# The Admin UI (@socket.io/admin-ui 0.5.1): its protocol with the official client, over a cluster
# of two nodes on Redis, and the npm bundle at /admin/ in Chromium (docs/admin-ui.png).
sb_add_node_test(admin.protocol e2e/admin/protocol.test.mjs e2e)
sb_add_node_test(admin.cluster e2e/admin/cluster.test.mjs e2e)
sb_add_node_test(admin.browser e2e/admin/browser.test.mjs e2e)
