#!/usr/bin/env bash
# bench/run.sh SCENARIO [--smoke]: one scenario against switchboard, the Node.js reference
# server and the hardware floor, one after another in this invocation. Each server is pinned to
# CPU 0 (switchboard with one shard), the load generator to CPU 1; then switchboard again with a
# shard per core, unpinned. Prints the ratios; the JSON lines go to $BENCH_OUT/SCENARIO.jsonl.
#
# Scenarios: fanout users connect idle scale polling cluster emitter (see docs/BENCHMARKS.md). Extra arguments
# after the scenario (or after --smoke) go to switchboard-bench, e.g. --fanout-rates 8,16.
# --smoke: tiny sizes, to prove the scenario works (make test); it asserts no timing, only that no
# emit was refused.
#
# cluster: two nodes of each server joined through a redis-server of this run's own (on a free
# loopback port), the clients on node A and the REST emits through node B; both nodes share CPU 0,
# the load generator and redis-server CPU 1. switchboard (one shard per node) and the reference
# (@socket.io/redis-adapter) only: the floor has no cluster.
# BENCH_LOADGEN: the switchboard-bench binary (default $BUILD_DIR/bin/switchboard-bench).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
loadgen=${BENCH_LOADGEN:-$build/bin/switchboard-bench}
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

# counts: the connection counts measured one after the other against each server (fanout: every
# count of FANOUT_CONNECTIONS, 5,000 and 10,000 by default); none for connect.
case "$scenario" in
  fanout)  counts=(${FANOUT_CONNECTIONS:-5000 10000}); args=(--step-seconds 5) ;;
  users)   counts=("$(capped 10000)"); args=(--rate 20000 --duration 10) ;;
  connect) counts=(); args=(--connect-total 20000 --handshake-concurrency 200 --source-addresses 4) ;;  # spares ports in TIME_WAIT
  idle)    counts=("$(capped 50000)"); args=(--source-addresses 4) ;;
  scale)   counts=("$(capped 100000)"); args=(--duration "${SCALE_SECONDS:-300}" --source-addresses 8) ;;
  polling) counts=(2000); args=(--duration 10) ;;
  cluster) counts=("$(capped 10000)"); args=(--rate 20000 --duration 10) ;;  # as users, across two nodes
  emitter) counts=("$(capped 10000)"); args=(--rate 20000 --duration 10) ;;  # as users, emitted in process
  *) echo "unknown scenario $scenario (fanout users connect idle scale polling cluster emitter)" >&2; exit 2 ;;
esac
if [ -n "$smoke" ]; then
  case "$scenario" in
    fanout)  counts=(50); args=(--fanout-rates 5,10 --step-seconds 1) ;;
    connect) args=(--connect-total 200 --handshake-concurrency 20) ;;
    *)       counts=(50); args=(--rate 50 --duration 1) ;;
  esac
fi
for n in "${counts[@]}"; do [ "$n" -le $((limit - 500)) ] || { echo "$n connections: above the open-file limit" >&2; exit 2; }; done

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

# stop [PID]: a server (default: the last started) must exit 0 on SIGTERM (under ASan, a leak
# report makes it fail).
stop() {
  local pid=${1:-$server_pid}
  kill -TERM "$pid"
  local status=0
  wait "$pid" || status=$?
  [ "$status" -eq 0 ] || { echo "the server exited with status $status:" >&2; tail -20 "$out"/*.log >&2; exit 1; }
}

# measure NAME KIND [CPUS [ARGUMENTS...]]: the load generator against the last started server, once
# per connection count.
measure() {
  local name=$1 kind=$2 cpus=${3:-1}
  shift $(($# < 3 ? $# : 3))
  local sizes=("${counts[@]}")
  [ ${#sizes[@]} -gt 0 ] || sizes=(0)
  for n in "${sizes[@]}"; do
    local connections=() label=$name
    [ "$n" -gt 0 ] && connections=(--connections "$n") && label="$name, $n connections"
    echo "== $scenario: $label" >&2
    taskset -c 1 "$loadgen" "$scenario" --url "http://127.0.0.1:$server_port" --kind "$kind" \
      --name "$name" --server-pid "$server_pid" --server-cpus "$cpus" --jwt-secret "$secret" --api-key "$api_key" "$@" \
      "${connections[@]}" "${args[@]}" "${extra[@]}" >> "$results"
  done
}

# cpu_ticks PID: user + system time of a process, in clock ticks.
cpu_ticks() { awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }

# start_redis: a redis-server of this run's own on a free loopback port (CPU 1, beside the load
# generator), no persistence; sets redis_pid and redis_port once it answers PING.
start_redis() {
  local log=$out/redis-server.log
  for _ in 1 2 3; do  # the free port may be taken between the probe and the bind
    redis_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    taskset -c 1 redis-server --bind 127.0.0.1 --port "$redis_port" --save '' --appendonly no --dir "$data" > "$log" 2>&1 &
    redis_pid=$!
    pids+=("$redis_pid")
    for _ in $(seq 1 200); do
      [ "$(redis-cli -h 127.0.0.1 -p "$redis_port" ping 2>/dev/null)" = PONG ] && return 0
      kill -0 "$redis_pid" 2>/dev/null || break
      sleep 0.05
    done
    kill "$redis_pid" 2>/dev/null || true
    wait "$redis_pid" 2>/dev/null || true
  done
  echo "redis-server did not start:" >&2; cat "$log" >&2; exit 1
}

# subscribed N: waits until N connections to redis-server hold a pattern subscription (each node's
# subscriber, as the adapter's PSUBSCRIBE KEY#NAMESPACE#*): a node may print its listening line first.
subscribed() {
  for _ in $(seq 1 200); do
    [ "$(redis-cli -h 127.0.0.1 -p "$redis_port" client list | grep -c ' psub=[1-9]')" -ge "$1" ] && return 0
    sleep 0.05
  done
  echo "the nodes did not subscribe to redis-server:" >&2; redis-cli -h 127.0.0.1 -p "$redis_port" client list >&2; exit 1
}

# cluster_pair NAME KIND COMMAND...: two nodes of COMMAND (the cluster's URL appended by the
# caller), both pinned to CPU 0; the clients connect to node A, the emits go through node B.
cluster_pair() {
  local name=$1 kind=$2; shift 2
  start "$name-b" 0 "$@" "${node_b[@]}"
  local pid_b=$server_pid port_b=$server_port
  start "$name" 0 "$@" "${node_a[@]}"
  subscribed 2
  echo "== $scenario: two $name nodes on CPU 0 (clients on node A, REST emits through node B)," \
       "load generator and redis-server on CPU 1" >&2
  local before; before=$(cpu_ticks "$redis_pid")
  measure "$name" "$kind" 1 --emit-url "http://127.0.0.1:$port_b" --emit-server-pid "$pid_b"
  echo "redis-server CPU during $name: $(( ($(cpu_ticks "$redis_pid") - before) * 1000 / $(getconf CLK_TCK) )) ms" >&2
  stop
  stop "$pid_b"
}

data=$(mktemp -d)
trap 'cleanup; rm -rf "$data"' EXIT
switchboard=("$build/bin/switchboard" serve --config "$root/bench/switchboard.toml" --set "server.data_dir=$data")

# BENCH_SERVERS picks some of them, e.g. "switchboard floor" while working on one figure.
servers=${BENCH_SERVERS:-switchboard reference floor switchboard-all-cores}
[ "$scenario" = polling ] && servers=${servers//floor/}  # the floor speaks WebSocket only
[ "$scenario" = emitter ] && servers=${servers//floor/}  # the floor has no module to emit from
# emitter: switchboard is the library embedded with a module that emits (bench/emitter).
if [ "$scenario" = emitter ]; then
  switchboard=("$build/bin/emitter_server" --port 0 --jwt-secret "$secret" --api-key "$api_key")
  one_shard=(--threads 1); every_core=(--threads 0)
else
  one_shard=(--set server.threads=1); every_core=(--set server.threads=0)
fi

if [ "$scenario" = cluster ]; then
  start_redis
  cluster_url=redis://127.0.0.1:$redis_port
  echo "== cluster: redis-server on 127.0.0.1:$redis_port" >&2
  for name in $servers; do
    case "$name" in
      switchboard)
        node_a=(--set "server.data_dir=$data/node-a"); node_b=(--set "server.data_dir=$data/node-b")
        cluster_pair "$name" switchboard "${switchboard[@]}" --set server.threads=1 --set "cluster.redis=$cluster_url" ;;
      reference)
        node_a=(); node_b=()
        cluster_pair "$name" reference node "$root/bench/reference/server.mjs" --port 0 --jwt-secret "$secret" \
          --api-key "$api_key" --redis-url "$cluster_url" ;;
      floor) echo "== cluster: floor skipped (it has no cluster)" >&2 ;;
      switchboard-all-cores) echo "== cluster: switchboard-all-cores skipped (one shard per node only)" >&2 ;;
      *) echo "unknown server $name" >&2; exit 2 ;;
    esac
  done
  stop "$redis_pid"
  servers=
fi

for name in $servers; do
  case "$name" in
    switchboard) start "$name" 0 "${switchboard[@]}" "${one_shard[@]}"; measure "$name" switchboard ;;
    reference) start "$name" 0 node "$root/bench/reference/server.mjs" --port 0 --jwt-secret "$secret" --api-key "$api_key"
               measure "$name" reference ;;
    floor) start "$name" 0 "$build/bin/floor_server" --port 0; measure "$name" floor ;;
    switchboard-all-cores) start "$name" all "${switchboard[@]}" "${every_core[@]}"; measure "$name" switchboard "$(nproc)" ;;
    *) echo "unknown server $name" >&2; exit 2 ;;
  esac
  stop
done

[ -s "$results" ] || { echo "no server was measured (BENCH_SERVERS)" >&2; exit 2; }
# Debian's python3 (with python3-matplotlib for the chart), ahead of any other on the PATH.
python=$(command -v /usr/bin/python3 || command -v python3)
"$python" "$root/bench/report.py" "$results"
# A smoke run is a test of the instrument: an emit the server refused fails it.
if [ -n "$smoke" ]; then
  "$python" - "$results" <<'PY'
import json, sys
def failures(v):
    if isinstance(v, dict):
        return sum((x if k == "emit_failures" and isinstance(x, (int, float)) else failures(x)) for k, x in v.items())
    return sum(failures(x) for x in v) if isinstance(v, list) else 0
bad = [json.loads(l).get("server") for l in open(sys.argv[1]) if l.strip() and failures(json.loads(l))]
if bad:
    sys.exit(f"emits failed against {', '.join(map(str, bad))}")
PY
fi
