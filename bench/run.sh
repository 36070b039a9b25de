#!/usr/bin/env bash
# bench/run.sh SCENARIO [--smoke]: one scenario against switchboard, the Node.js reference
# server and the hardware floor, one after another in this invocation. Each server is pinned to
# CPU 0 (switchboard with one shard), the load generator to CPU 1; then switchboard again with a
# shard per core, unpinned. Prints the ratios; the JSON lines go to $BENCH_OUT/SCENARIO.jsonl.
#
# Scenarios: fanout users connect idle scale polling (see docs/BENCHMARKS.md).
# --smoke: tiny sizes, to prove the scenario works (make test); it asserts no timing.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
out=${BENCH_OUT:-$build/bench-results}
scenario=${1:?usage: bench/run.sh SCENARIO [--smoke]}
smoke=${2:-}
secret=bench-secret-bench-secret-bench-secret-0123456789abcdef
api_key=bench-api-key-0123456789abcdef
mkdir -p "$out"
results=$out/$scenario.jsonl
: > "$results"

# The servers may hold only as many connections as the hard open-file limit allows.
limit=$(ulimit -Hn)
capped() { local want=$1; local most=$((limit - 500)); echo $((want < most ? want : most)); }

case "$scenario" in
  fanout)  args=(--connections "$(capped 10000)" --step-seconds 5) ;;
  users)   args=(--connections "$(capped 10000)" --rate 20000 --duration 10) ;;
  connect) args=(--connect-total 20000 --handshake-concurrency 200) ;;
  idle)    args=(--connections "$(capped 50000)" --source-addresses 4) ;;
  scale)   args=(--connections "$(capped 100000)" --duration "${SCALE_SECONDS:-300}" --source-addresses 8) ;;
  polling) args=(--connections 2000 --duration 10) ;;
  *) echo "unknown scenario $scenario (fanout users connect idle scale polling)" >&2; exit 2 ;;
esac
if [ "$smoke" = --smoke ]; then
  case "$scenario" in
    fanout)  args=(--connections 50 --fanout-rates 5,10 --step-seconds 1) ;;
    connect) args=(--connect-total 200 --handshake-concurrency 20) ;;
    *)       args=(--connections 50 --rate 50 --duration 1) ;;
  esac
fi

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

# start NAME CPUS COMMAND...: starts a server that prints "... listening on PORT: URL" and sets
# server_pid and server_port once it has (no fixed sleep: the line is its readiness).
start() {
  local name=$1 cpus=$2; shift 2
  local log=$out/$name.log
  if [ "$cpus" = all ]; then "$@" > "$log" 2>&1 & else taskset -c "$cpus" "$@" > "$log" 2>&1 & fi
  server_pid=$!
  pids+=("$server_pid")
  for _ in $(seq 1 600); do
    server_port=$(sed -n 's/.*listening on \([0-9]*\):.*/\1/p' "$log" | head -1)
    [ -n "$server_port" ] && return 0
    kill -0 "$server_pid" 2>/dev/null || { echo "$name exited at start:" >&2; cat "$log" >&2; exit 1; }
    sleep 0.05
  done
  echo "$name did not start" >&2; exit 1
}

stop() { kill -TERM "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; }

measure() {
  local name=$1 kind=$2
  echo "== $scenario: $name" >&2
  taskset -c 1 "$build/bin/switchboard-bench" "$scenario" --url "http://127.0.0.1:$server_port" --kind "$kind" \
    --name "$name" --server-pid "$server_pid" --jwt-secret "$secret" --api-key "$api_key" "${args[@]}" >> "$results"
}

data=$(mktemp -d)
trap 'cleanup; rm -rf "$data"' EXIT
switchboard=("$build/bin/switchboard" serve --config "$root/bench/switchboard.toml" --set "server.data_dir=$data")

start switchboard 0 "${switchboard[@]}" --set server.threads=1
measure switchboard switchboard; stop
start reference 0 node "$root/bench/reference/server.mjs" --port 0 --jwt-secret "$secret" --api-key "$api_key"
measure reference reference; stop
if [ "$scenario" != polling ]; then  # the floor speaks WebSocket only
  start floor 0 "$build/bin/floor_server" --port 0
  measure floor floor; stop
fi
start switchboard-all-cores all "${switchboard[@]}" --set server.threads=0
measure switchboard-all-cores switchboard; stop

python3 "$root/bench/report.py" "$results"
