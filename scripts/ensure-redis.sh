#!/usr/bin/env bash
# Installs Debian's redis-server when it is missing: transport-webrtc's scale-out tests
# start a real one (test/redisServer.ts: a free loopback port, no persistence, a temp
# dir) and run several signaling instances on it. Only the binary is needed; the
# package's own service is left stopped and the tests never touch it.
# Called from ensure-test-deps.sh; changes nothing when redis-server is there.
set -euo pipefail

if [ $# -gt 0 ]; then
  echo "usage: $0   (installs redis-server for the tests when it is missing)" >&2
  exit 2
fi
command -v redis-server >/dev/null 2>&1 && exit 0
[ -x /usr/bin/redis-server ] && exit 0

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "The scale-out tests need Debian's redis-server package." >&2
  echo "Install it (sudo apt-get install redis-server) and run the tests again," >&2
  echo "or put a redis-server binary on PATH." >&2
  exit 1
fi
echo "Installing redis-server for the tests (apt-get)..."
export DEBIAN_FRONTEND=noninteractive
# A container has no init system: keep the package's scripts from starting a service.
policy=/usr/sbin/policy-rc.d
made_policy=false
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod +x "$policy"
  made_policy=true
fi
trap 'if [ "$made_policy" = true ]; then rm -f "$policy"; fi' EXIT
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends redis-server >/dev/null
