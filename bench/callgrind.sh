#!/usr/bin/env bash
# bench/callgrind.sh [fanout|users|connect]: instructions per delivered message (per connection), the figure that does not
# depend on the machine's load. switchboard (one shard) runs under callgrind; counting starts once
# the clients are connected, so the handshakes are not in it. User-space instructions only: the
# kernel's share of each write is not counted. ANNOTATE=1 also prints the top functions;
# KEEP_PROFILE=FILE keeps the profile (callgrind_annotate FILE).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
work=$(mktemp -d)
secret=bench-secret-bench-secret-bench-secret-0123456789abcdef
api_key=bench-api-key-0123456789abcdef
connections=${CONNECTIONS:-1000}
scenario=${1:-fanout}
case "$scenario" in
  fanout) load=(--fanout-rates 1 --step-seconds 5) ;;      # 5 broadcasts to all, then the half-rate step
  users) load=(--rate 200 --duration 5) ;;                 # 1,000 REST emits, each to one user
  connect) load=(--connect-total 1000 --handshake-concurrency 20) ;;  # counted from the start: the handshakes are the load
  *) echo "usage: bench/callgrind.sh [fanout|users|connect]" >&2; exit 2 ;;
esac

valgrind --tool=callgrind --callgrind-out-file="$work/callgrind.out" \
  "$build/bin/switchboard" serve --config "$root/bench/switchboard.toml" --set "server.data_dir=$work" \
  > "$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
until port=$(sed -n 's/.*listening on \([0-9]*\):.*/\1/p' "$work/server.log") && [ -n "$port" ]; do
  kill -0 $server || { cat "$work/server.log"; exit 1; }
  sleep 0.2
done

[ "$scenario" = connect ] && callgrind_control -z $server > /dev/null 2>&1  # start-up is not counted
"$build/bin/switchboard-bench" "$scenario" --url "http://127.0.0.1:$port" --server-pid $server --jwt-secret "$secret" \
  --api-key "$api_key" --connections "$connections" "${load[@]}" \
  > "$work/result.json" 2> "$work/bench.log" &
bench=$!
if [ "$scenario" != connect ]; then
  until grep -q '^connected' "$work/bench.log"; do kill -0 $bench || { cat "$work/bench.log"; exit 1; }; sleep 0.2; done
  callgrind_control -z $server > /dev/null 2>&1
fi
wait $bench || true
callgrind_control -d $server > /dev/null 2>&1
kill -TERM $server; wait $server || true

delivered=$(python3 -c "
import json, sys
f = json.load(open(sys.argv[1]))['figures']
r = json.load(open(sys.argv[1]))
print(r['clients']['connected'] if r['scenario'] == 'connect' else
      sum(s['delivered'] for s in f['steps']) + f['half_saturation']['delivered'] if 'steps' in f else f['delivered'])" "$work/result.json")
instructions=$(callgrind_annotate "$(ls "$work"/callgrind.out* | tail -1)" 2>/dev/null | sed -n 's/^\([0-9,]*\) .*PROGRAM TOTALS.*/\1/p' | tr -d ,)
[ -n "${KEEP_PROFILE:-}" ] && cp "$(ls "$work"/callgrind.out* | tail -1)" "$KEEP_PROFILE"
[ -n "${ANNOTATE:-}" ] && callgrind_annotate --inclusive=${INCLUSIVE:-yes} "$(ls "$work"/callgrind.out* | tail -1)" 2>/dev/null | head -60
echo "$scenario, $connections sockets: $delivered messages delivered, $instructions instructions, $((instructions / delivered)) instructions per delivered message"
