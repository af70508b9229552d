#!/usr/bin/env bash
# Brings up a real single-node Slurm on this machine for the worker's Slurm launcher tests
# (packages/worker/src/runner/SlurmLauncher*.test.ts): Debian's slurmctld + slurmd +
# munge, one node with this machine's CPUs and memory (as `slurmd -C` sees them), one
# partition `debug`, no cgroups (proctrack/linuxproc, task/none: it runs in a container
# too), no accounting database (sacct is not available; the launcher reads finished jobs
# from `scontrol show job`, which keeps them for MinJobAge seconds).
#
# What it does, each step only when needed:
#   1. apt-get installs slurmctld, slurmd, slurm-client and munge (about 20 s);
#   2. writes /etc/slurm/slurm.conf (marked as written here; a slurm.conf of anyone else
#      is never overwritten) and a munge key;
#   3. starts munged (as the munge user), slurmctld and slurmd (as root);
#   4. waits (at most $SLURM_WAIT_S, 60 s by default) until `sinfo` shows the node idle,
#      resuming it when an earlier run left it down or drained.
# Idempotent: when the controller answers and the node is up it does nothing (well under
# a second). `ensure-slurm.sh stop` stops the daemons this script started.
# The state and logs: /var/lib/slurm/{slurmctld,slurmd}, /var/log/slurm/*.log.
set -euo pipefail

MARK='# written by trainwire scripts/ensure-slurm.sh'
CONF=/etc/slurm/slurm.conf
STATE=/var/lib/slurm
LOGS=/var/log/slurm
RUN=/run/slurm
PARTITION=debug
WAIT_S="${SLURM_WAIT_S:-60}"

usage() {
  echo "usage: $0 [stop]   (no argument: install, configure and start a one-node Slurm; stop: stop its daemons)" >&2
  exit 2
}
[ $# -le 1 ] || usage
action="${1:-up}"
case "$action" in up | stop) ;; *) usage ;; esac

log() { echo "ensure-slurm: $*" >&2; }
die() {
  echo "ensure-slurm: $*" >&2
  exit 1
}

alive() { # alive PIDFILE: the process it names runs
  [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null
}

node_state() { sinfo --noheader --partition="$PARTITION" --format=%T 2>/dev/null | head -n 1; }

if [ "$action" = stop ]; then
  for pidfile in "$RUN/slurmd.pid" "$RUN/slurmctld.pid" /run/munge/munged.pid; do
    if alive "$pidfile"; then
      kill "$(cat "$pidfile")"
      log "stopped $(basename "$pidfile" .pid)"
    fi
  done
  exit 0
fi

# Already up: nothing to do.
if command -v sinfo >/dev/null 2>&1 && scontrol ping 2>/dev/null | grep -q UP; then
  case "$(node_state)" in
  idle | mixed | allocated | completing) exit 0 ;;
  esac
fi

[ "$(id -u)" -eq 0 ] || die "a single-node Slurm for the tests is set up as root (run: sudo $0)"

# 1. Packages.
missing=()
command -v slurmctld >/dev/null 2>&1 || missing+=(slurmctld)
command -v slurmd >/dev/null 2>&1 || missing+=(slurmd)
command -v sbatch >/dev/null 2>&1 || missing+=(slurm-client)
command -v munged >/dev/null 2>&1 || missing+=(munge)
if [ ${#missing[@]} -gt 0 ]; then
  command -v apt-get >/dev/null 2>&1 ||
    die "Slurm is missing (${missing[*]}) and there is no apt-get here; install Slurm and munge, then run this again"
  log "installing ${missing[*]} (apt-get)..."
  # The packages must not start their services: this script starts them with its own config.
  # shellcheck source=lib/aptInstall.sh
  source "$(dirname "$0")/lib/aptInstall.sh"
  apt_install "${missing[@]}"
fi

# 2. Config and munge key.
mkdir -p /etc/slurm "$STATE/slurmctld" "$STATE/slurmd" "$LOGS" "$RUN"
host="$(hostname -s)"
if [ -e "$CONF" ] && ! grep -qF "$MARK" "$CONF"; then
  die "$CONF exists and was not written by this script; start that Slurm yourself, or move the file away and run this again"
fi
# This node as slurmd sees it (CPUs, sockets, cores, memory), minus its uptime.
node="$(slurmd -C | head -n 1)"
[[ "$node" == NodeName=* ]] || die "slurmd -C did not describe this node (it said: $node)"
conf="$(
  cat <<EOF
$MARK
# A one-node cluster for trainwire's tests: no cgroups, no accounting database.
ClusterName=trainwire
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
# Jobs are scheduled within a second of their submission or of resources freeing up.
SchedulerParameters=sched_interval=1
# A finished job stays in \`scontrol show job\` this long (there is no sacct).
MinJobAge=300
# A node that was down comes back by itself once its slurmd registers.
ReturnToService=2
# After a time limit, SIGTERM, then SIGKILL this much later (seconds).
KillWait=5
InactiveLimit=0
StateSaveLocation=$STATE/slurmctld
SlurmdSpoolDir=$STATE/slurmd
SlurmctldPidFile=$RUN/slurmctld.pid
SlurmdPidFile=$RUN/slurmd.pid
SlurmctldLogFile=$LOGS/slurmctld.log
SlurmdLogFile=$LOGS/slurmd.log
SlurmctldPort=6817
SlurmdPort=6818
${node} State=UNKNOWN
PartitionName=$PARTITION Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
)"
if [ ! -e "$CONF" ] || [ "$(cat "$CONF")" != "$conf" ]; then
  printf '%s\n' "$conf" >"$CONF"
  log "wrote $CONF (node: ${node})"
fi
# Debian's slurm.conf-less defaults want a cgroup.conf; none is used here.
if [ ! -s /etc/munge/munge.key ]; then
  mkdir -p /etc/munge
  dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=1024 status=none
  log "made a munge key"
fi
chown munge:munge /etc/munge /etc/munge/munge.key
chmod 0700 /etc/munge
chmod 0400 /etc/munge/munge.key

# 3. Daemons.
mkdir -p /run/munge /var/lib/munge /var/log/munge
chown munge:munge /run/munge /var/lib/munge /var/log/munge
if ! alive /run/munge/munged.pid; then
  runuser -u munge -- /usr/sbin/munged
  log "started munged"
fi
for _ in $(seq 1 50); do
  munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break
  sleep 0.1
done
munge -n | unmunge >/dev/null 2>&1 || die "munged does not answer; see /var/log/munge/munged.log"
if ! alive "$RUN/slurmctld.pid"; then
  /usr/sbin/slurmctld
  log "started slurmctld"
fi
if ! alive "$RUN/slurmd.pid"; then
  /usr/sbin/slurmd
  log "started slurmd"
fi

# 4. Wait for the node.
deadline=$((SECONDS + WAIT_S))
state=''
while [ $SECONDS -lt $deadline ]; do
  state="$(node_state || true)"
  case "$state" in
  idle | mixed | allocated | completing)
    log "Slurm is up: node $host is $state in partition $PARTITION"
    exit 0
    ;;
  down* | drain* | drained* | fail*)
    # An earlier run (a test that failed the node) left it out of service.
    scontrol update NodeName="$host" State=RESUME >/dev/null 2>&1 || true
    ;;
  esac
  sleep 0.5
done
die "node $host did not become idle within ${WAIT_S}s (sinfo says: ${state:-no answer}); see $LOGS/slurmctld.log and $LOGS/slurmd.log"
