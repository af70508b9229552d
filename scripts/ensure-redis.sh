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
# shellcheck source=lib/aptInstall.sh
source "$(dirname "$0")/lib/aptInstall.sh"
apt_install redis-server
