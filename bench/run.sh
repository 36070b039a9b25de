#!/usr/bin/env bash
# bench/run.sh SCENARIO [--smoke]: one scenario against switchboard, the Node.js reference
# server and the hardware floor, one after another in this invocation. Each server is pinned to
# CPU 0 (switchboard with one shard), the load generator to CPU 1; then switchboard again with a
# shard per core, unpinned. Prints the ratios; the JSON lines go to $BENCH_OUT/SCENARIO.jsonl.
#
# Scenarios: fanout users connect idle scale polling (see docs/BENCHMARKS.md). Extra arguments
# after the scenario (or after --smoke) go to switchboard-bench, e.g. --fanout-rates 8,16.
# --smoke: tiny sizes, to prove the scenario works (make test); it asserts no timing.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
out=${BENCH_OUT:-$build/bench-results}
scenario=${1:?usage: bench/run.sh SCENARIO [--smoke]}
shift
smoke=
if [ "${1:-}" = --smoke ]; then smoke=--smoke; shift; fi
extra=("$@")
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
  connect) args=(--connect-total 20000 --handshake-concurrency 200 --source-addresses 4) ;;  # spares ports in TIME_WAIT
  idle)    args=(--connections "$(capped 50000)" --source-addresses 4) ;;
  scale)   args=(--connections "$(capped 100000)" --duration "${SCALE_SECONDS:-300}" --source-addresses 8) ;;
  polling) args=(--connections 2000 --duration 10) ;;
  *) echo "unknown scenario $scenario (fanout users connect idle scale polling)" >&2; exit 2 ;;
esac
if [ -n "$smoke" ]; then
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

# A server must exit 0 on SIGTERM (under ASan, a leak report makes it fail).
stop() {
  kill -TERM "$server_pid"
  local status=0
  wait "$server_pid" || status=$?
  [ "$status" -eq 0 ] || { echo "the server exited with status $status:" >&2; tail -20 "$out"/*.log >&2; exit 1; }
}

measure() {
  local name=$1 kind=$2 cpus=${3:-1}
  echo "== $scenario: $name" >&2
  taskset -c 1 "$build/bin/switchboard-bench" "$scenario" --url "http://127.0.0.1:$server_port" --kind "$kind" \
    --name "$name" --server-pid "$server_pid" --server-cpus "$cpus" --jwt-secret "$secret" --api-key "$api_key" "${args[@]}" "${extra[@]}" >> "$results"
}

data=$(mktemp -d)
trap 'cleanup; rm -rf "$data"' EXIT
switchboard=("$build/bin/switchboard" serve --config "$root/bench/switchboard.toml" --set "server.data_dir=$data")

# BENCH_SERVERS picks some of them, e.g. "switchboard floor" while working on one figure.
servers=${BENCH_SERVERS:-switchboard reference floor switchboard-all-cores}
[ "$scenario" = polling ] && servers=${servers//floor/}  # the floor speaks WebSocket only
for name in $servers; do
  case "$name" in
    switchboard) start "$name" 0 "${switchboard[@]}" --set server.threads=1; measure "$name" switchboard ;;
    reference) start "$name" 0 node "$root/bench/reference/server.mjs" --port 0 --jwt-secret "$secret" --api-key "$api_key"
               measure "$name" reference ;;
    floor) start "$name" 0 "$build/bin/floor_server" --port 0; measure "$name" floor ;;
    switchboard-all-cores) start "$name" all "${switchboard[@]}" --set server.threads=0; measure "$name" switchboard "$(nproc)" ;;
    *) echo "unknown server $name" >&2; exit 2 ;;
  esac
  stop
done

# Debian's python3 (with python3-matplotlib for the chart), ahead of any other on the PATH.
python=$(command -v /usr/bin/python3 || command -v python3)
"$python" "$root/bench/report.py" "$results"
