#!/usr/bin/env bash
# bench/callgrind.sh: instructions per delivered fanout message, the figure that does not depend
# on the machine's load. switchboard (one shard) runs under callgrind; counting starts once the
# clients are connected, so the handshakes are not in it. User-space instructions only: the
# kernel's share of each write is not counted. ANNOTATE=1 also prints the top functions.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
work=$(mktemp -d)
secret=bench-secret-bench-secret-bench-secret-0123456789abcdef
api_key=bench-api-key-0123456789abcdef
connections=${CONNECTIONS:-1000}

valgrind --tool=callgrind --callgrind-out-file="$work/callgrind.out" \
  "$build/bin/switchboard" serve --config "$root/bench/switchboard.toml" --set "server.data_dir=$work" \
  > "$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
until port=$(sed -n 's/.*listening on \([0-9]*\):.*/\1/p' "$work/server.log") && [ -n "$port" ]; do
  kill -0 $server || { cat "$work/server.log"; exit 1; }
  sleep 0.2
done

"$build/bin/switchboard-bench" fanout --url "http://127.0.0.1:$port" --server-pid $server --jwt-secret "$secret" \
  --api-key "$api_key" --connections "$connections" --fanout-rates 1 --step-seconds 5 \
  > "$work/result.json" 2> "$work/bench.log" &
bench=$!
until grep -q '^connected' "$work/bench.log"; do kill -0 $bench || { cat "$work/bench.log"; exit 1; }; sleep 0.2; done
callgrind_control -z $server > /dev/null 2>&1
wait $bench || true
callgrind_control -d $server > /dev/null 2>&1
kill -TERM $server; wait $server || true

delivered=$(python3 -c "import json,sys; f=json.load(open(sys.argv[1]))['figures']; print(sum(s['delivered'] for s in f['steps']) + f['half_saturation']['delivered'])" "$work/result.json")
instructions=$(callgrind_annotate "$(ls "$work"/callgrind.out* | tail -1)" 2>/dev/null | sed -n 's/^\([0-9,]*\) .*PROGRAM TOTALS.*/\1/p' | tr -d ,)
[ -n "${ANNOTATE:-}" ] && callgrind_annotate --inclusive=${INCLUSIVE:-yes} "$(ls "$work"/callgrind.out* | tail -1)" 2>/dev/null | head -60
echo "fanout, $connections sockets: $delivered messages delivered, $instructions instructions, $((instructions / delivered)) instructions per delivered message"
