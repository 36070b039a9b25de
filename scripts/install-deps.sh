#!/usr/bin/env bash
# Installs every system package and npm test dependency switchboard needs. Idempotent.
# Usage: scripts/install-deps.sh [bench]
# Boost 1.81 only: Debian's default Boost (1.74) must not be installed beside it.
set -euo pipefail

packages=(
  build-essential g++ cmake ninja-build ccache pkg-config
  clang libclang-rt-14-dev
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libssl-dev openssl libspdlog-dev libfmt-dev libtomlplusplus-dev libcli11-dev
  libsqlite3-dev libhiredis-dev redis-server
  libgtest-dev libgmock-dev libbenchmark-dev
  python3-socketio python3-websocket python3-requests python3-jwt
  chromium systemd doxygen
)
# `install-deps.sh bench`: also what `make bench` needs (callgrind, the fanout chart). matplotlib's
# python3-fonttools needs python3-scipy or python3-munkres: named, munkres is taken, for apt would
# pick scipy, whose python3-pythran wants Boost 1.74.
[ "${1:-}" = bench ] && packages+=(valgrind python3-matplotlib python3-munkres)
# Node.js may come from another packaging of nodejs that bundles npm; only add Debian's when absent.
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "deps: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

root="$(cd "$(dirname "$0")/.." && pwd)"
if [ -f "$root/package-lock.json" ]; then
  stamp="$root/node_modules/.switchboard-lock"
  if [ ! -f "$stamp" ] || ! cmp -s "$root/package-lock.json" "$stamp"; then
    echo "deps: npm ci"
    (cd "$root" && npm ci --no-audit --no-fund --loglevel=error)
    cp "$root/package-lock.json" "$stamp"
  fi
fi
