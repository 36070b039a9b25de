#!/usr/bin/env bash
# switchboard as outside projects use it, both ways, each serving the Python client:
#   1. `cmake --install` of the build tree BUILD_DIR into a scratch prefix, then examples/ built
#      on its own with find_package(switchboard), each example run against python-socketio;
#   2. a project that adds switchboard with add_subdirectory (tests/package/subproject): its
#      build type is not forced, no output folder is set, and Node.js is not looked for.
# Usage: package_test.sh SOURCE_DIR BUILD_DIR WORK_DIR
set -euo pipefail
source_dir=$1 build_dir=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
fail() { echo "FAILED: $*"; exit 1; }

echo "== installed package (find_package)"
cmake --install "$build_dir" --prefix "$work/prefix" --component dev >/dev/null
test -f "$work/prefix/lib/cmake/switchboard/switchboardConfigVersion.cmake" || fail "no version file installed"
test -f "$work/prefix/lib/pkgconfig/switchboard.pc" || fail "no pkg-config file installed"
PKG_CONFIG_PATH="$work/prefix/lib/pkgconfig" pkg-config --exists switchboard || fail "pkg-config does not find switchboard"
# No build type: the examples compile fastest so, and link against the installed Release libraries.
cmake -S "$source_dir/examples" -B "$work/find" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/find" --target hello beast_app orders_module cluster_node
/usr/bin/python3 "$source_dir/tests/package/hello_client.py" "$work/find/hello"
/usr/bin/python3 "$source_dir/tests/package/beast_app_client.py" "$work/find/beast_app"
/usr/bin/python3 "$source_dir/tests/package/orders_client.py" "$work/find/orders_module"
/usr/bin/python3 "$source_dir/tests/package/cluster_client.py" "$work/find/cluster_node"

echo "== subproject (add_subdirectory)"
# No build type: the fastest compile; the parent's choice must survive configuring switchboard.
# Without TLS, an option a parent may set: half the heaviest compiles, and nothing of what is tested.
cmake -S "$source_dir/tests/package/subproject" -B "$work/sub" -G Ninja \
      -DSWITCHBOARD_SOURCE_DIR="$source_dir" -DSWITCHBOARD_HTTP_TLS=OFF >/dev/null
build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$work/sub/CMakeCache.txt")
[ -z "$build_type" ] || fail "switchboard forced the parent's build type to '$build_type'"
grep -q '^SWITCHBOARD_TESTS:BOOL=OFF' "$work/sub/CMakeCache.txt" || fail "tests are on in a subproject"
grep -q '^SWITCHBOARD_APPS:BOOL=OFF' "$work/sub/CMakeCache.txt" || fail "apps are on in a subproject"
! grep -q 'NODE_EXECUTABLE\|node_modules' "$work/sub/CMakeCache.txt" || fail "configuring the subproject looked for Node.js"
# hello alone: the examples compile the same either way, and the find_package build above ran them all.
cmake --build "$work/sub" --target hello
test -x "$work/sub/examples/hello" || fail "hello is not in the parent's own folder (an output folder was forced)"
/usr/bin/python3 "$source_dir/tests/package/hello_client.py" "$work/sub/examples/hello"
echo "package: both ways pass"
