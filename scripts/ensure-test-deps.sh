#!/usr/bin/env bash
# Installs the system packages the tests need, when they are missing:
# python3-zmq and python3-jsonpickle (bridge-zmq's tests talk to real Python peers that
# behave like SLEAP's LossViewer and sleap-nn's ProgressReporterZMQ); chromium (the
# WebRTC transport runs its compliance suite in a real browser); iproute2 (that test puts
# Chromium in a network namespace of its own).
# Runs before `npm test` (npm's pretest) and from .ci/run; changes nothing when all is there.
set -euo pipefail

missing=()
/usr/bin/python3 -c 'import zmq' 2>/dev/null || missing+=(python3-zmq)
/usr/bin/python3 -c 'import jsonpickle' 2>/dev/null || missing+=(python3-jsonpickle)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v ip >/dev/null 2>&1 || missing+=(iproute2)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "The tests need the Debian packages ${missing[*]}." >&2
  echo "Install them (sudo apt-get install ${missing[*]}) and run npm test again." >&2
  exit 1
fi
echo "Installing ${missing[*]} for the tests (apt-get)..."
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
