#!/usr/bin/env bash
# The Debian packages as an operator gets them: `cpack -G DEB` of BUILD_DIR, both packages
# unpacked into a throwaway root (dpkg-deb -x), then
#   - their contents and control data (the conffile, the dependencies);
#   - the systemd unit through `systemd-analyze verify`;
#   - the packaged binary: --version, a refusal to serve the placeholder secret, then `serve`
#     with the packaged configuration and a secret of its own on a free port, and GET /healthz.
# Usage: deb_test.sh BUILD_DIR WORK_DIR
set -euo pipefail
build_dir=$1 work=$2
rm -rf "$work" && mkdir -p "$work/root" "$work/data"
fail() { echo "FAILED: $*"; [ -f "$work/serve.log" ] && cat "$work/serve.log"; exit 1; }

echo "== cpack -G DEB"
(cd "$work" && cpack -G DEB --config "$build_dir/CPackConfig.cmake" -B "$work/debs" >/dev/null)
bin_deb=$(ls "$work"/debs/switchboard_*.deb) dev_deb=$(ls "$work"/debs/switchboard-dev_*.deb)
dpkg-deb -f "$bin_deb" Depends | grep -q libssl3 || fail "switchboard's Depends lacks the shared libraries: $(dpkg-deb -f "$bin_deb" Depends)"
dpkg-deb --ctrl-tarfile "$bin_deb" | tar -xO ./conffiles | grep -qx /etc/switchboard/switchboard.toml \
  || fail "the configuration is not a conffile"
for deb in "$bin_deb" "$dev_deb"; do dpkg-deb -x "$deb" "$work/root"; done
root=$work/root
for f in usr/bin/switchboard etc/switchboard/switchboard.toml usr/lib/systemd/system/switchboard.service \
         usr/include/switchboard/sio/server.hpp usr/lib/cmake/switchboard/switchboardConfig.cmake \
         usr/lib/pkgconfig/switchboard.pc; do
  [ -e "$root/$f" ] || fail "/$f is not in the packages"
done
unit=$root/usr/lib/systemd/system/switchboard.service

echo "== systemd-analyze verify"
# The unit names /usr/bin/switchboard: verified against the unpacked root's binary on PATH.
mkdir -p "$work/unit" && sed "s|/usr/bin/switchboard|$root/usr/bin/switchboard|" "$unit" > "$work/unit/switchboard.service"
grep -q '^DynamicUser=yes' "$unit" && grep -q '^NoNewPrivileges=yes' "$unit" && grep -q '^ProtectSystem=strict' "$unit" \
  && grep -q '^LimitNOFILE=' "$unit" || fail "the unit is not hardened"
grep -q '^ExecStart=/usr/bin/switchboard serve --config /etc/switchboard/switchboard.toml$' "$unit" || fail "ExecStart"
verify=$(systemd-analyze verify "$work/unit/switchboard.service" 2>&1) || fail "systemd-analyze verify: $verify"
[ -z "$verify" ] || fail "systemd-analyze verify: $verify"

echo "== the packaged binary"
"$root/usr/bin/switchboard" --version | grep -q '^switchboard [0-9]' || fail "--version"
config=$root/etc/switchboard/switchboard.toml
common=(serve --config "$config" --set server.address=127.0.0.1 --set server.port=0 --set "server.data_dir=$work/data"
        --set log.format=text)
if "$root/usr/bin/switchboard" "${common[@]}" > "$work/refused.log" 2>&1; then fail "served with the placeholder secret"; fi
grep -q "placeholder of the packaged configuration" "$work/refused.log" || fail "no clear refusal: $(cat "$work/refused.log")"

: > "$work/serve.log"
SWITCHBOARD_AUTH_JWT_SECRET=$(openssl rand -hex 32) "$root/usr/bin/switchboard" "${common[@]}" > "$work/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
port=
for _ in $(seq 600); do  # up to 60 s on a busy machine
  port=$(sed -n 's/.*listening on \([0-9]*\):.*/\1/p' "$work/serve.log")
  [ -n "$port" ] && break
  kill -0 $server 2>/dev/null || fail "serve exited"
  sleep 0.1
done
[ -n "$port" ] || fail "serve did not listen within 60 s"
health=$(python3 -c 'import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1], timeout=30).read().decode())' \
         "http://127.0.0.1:$port/healthz") || fail "GET /healthz"
echo "$health" | grep -q "\"status\":\"alive\"" || fail "/healthz said $health"
kill -TERM $server && wait $server || fail "serve did not stop cleanly on SIGTERM"
trap - EXIT
echo "deb: both packages pass"
