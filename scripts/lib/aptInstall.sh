# Sourced by the ensure-*.sh scripts. `apt_install PKG...` installs Debian packages without
# letting their maintainer scripts start services: a container has no init system, and the
# tests start what they need with their own config. A policy-rc.d made here is removed
# again, also when the install fails.
apt_install() {
  (
    export DEBIAN_FRONTEND=noninteractive
    local policy=/usr/sbin/policy-rc.d
    if [ ! -e "$policy" ]; then
      printf '#!/bin/sh\nexit 101\n' >"$policy"
      chmod +x "$policy"
      trap 'rm -f "$policy"' EXIT
    fi
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "$@" >/dev/null
  )
}
