#!/usr/bin/env bash
# Installs the system packages the tests need, when they are missing:
# python3-zmq and python3-jsonpickle (bridge-zmq's tests talk to real Python peers that
# behave like SLEAP's LossViewer and sleap-nn's ProgressReporterZMQ); python3-torch (the
# worker's PyTorch trainer, packages/worker/trainers/pytorch, trained for real by
# integration-tests' pytorch tests); chromium (the WebRTC transport runs its compliance
# suite in a real browser); iproute2 (that test puts Chromium in a network namespace of its
# own); redis-server (through ensure-redis.sh).
# The Python modules are checked in the interpreter the tests run: $TRAINWIRE_PYTHON, or
# Debian's /usr/bin/python3 when it is unset (as in bridge-zmq's test/PythonPeer.ts).
# Runs before `npm test` (npm's pretest); changes nothing when all is there.
# `ensure-test-deps.sh python` checks only the Python modules (a test's own setup runs
# that, so one test file run alone still finds torch and pyzmq).
set -euo pipefail

only_python=false
case "${1:-}" in
  '') ;;
  python) only_python=true ;;
  *)
    echo "usage: $0 [python]   (python: only the Python modules the tests import)" >&2
    exit 2
    ;;
esac

python="${TRAINWIRE_PYTHON:-/usr/bin/python3}"
missing=()
pip_missing=()
"$python" -c 'import zmq' 2>/dev/null || { missing+=(python3-zmq); pip_missing+=(pyzmq); }
"$python" -c 'import jsonpickle' 2>/dev/null || {
  missing+=(python3-jsonpickle)
  pip_missing+=(jsonpickle)
}
"$python" -c 'import torch' 2>/dev/null || { missing+=(python3-torch); pip_missing+=(torch); }
if [ "$only_python" = false ]; then
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  command -v ip >/dev/null 2>&1 || missing+=(iproute2)
fi
# redis-server (transport-webrtc's scale-out tests run several signaling instances on a real
# one) has its own script, which keeps the package's service from starting.
if [ "$only_python" = false ]; then
  bash "$(dirname "$0")/ensure-redis.sh"
fi
[ ${#missing[@]} -eq 0 ] && exit 0

# Debian's packages only reach Debian's python: another one needs the modules installed into it.
if [ "$python" != /usr/bin/python3 ] && [ ${#pip_missing[@]} -gt 0 ]; then
  echo "TRAINWIRE_PYTHON=$python lacks the Python modules ${pip_missing[*]}." >&2
  echo "Install them into it (\"$python\" -m pip install ${pip_missing[*]}), or unset" >&2
  echo "TRAINWIRE_PYTHON to use Debian's /usr/bin/python3, and run the tests again." >&2
  exit 1
fi

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "The tests need the Debian packages ${missing[*]}." >&2
  echo "Install them (sudo apt-get install ${missing[*]}) and run the tests again." >&2
  if [ ${#pip_missing[@]} -gt 0 ]; then
    echo "Or point TRAINWIRE_PYTHON at a Python that has ${pip_missing[*]}." >&2
  fi
  exit 1
fi
echo "Installing ${missing[*]} for the tests (apt-get)..."
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
