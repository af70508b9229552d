// Two network namespaces joined through the integration tests' user-space link relay
// (packages/integration-tests/test/fixtures/linkRelay.py: a TUN device in each namespace,
// packets forwarded late or dropped), for benches that need a real round-trip time. The
// kernel here has no netem. The relay is used in place, not copied; this file is the
// bench's small driver of it (the tests' driver, netLab.ts, is TypeScript with test-only
// extras). Needs root. Every namespace is removed on close, on exit and on Ctrl-C, and a
// bench that died without closing is swept on the next start.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const RELAY = fileURLToPath(
  new URL('../../packages/integration-tests/test/fixtures/linkRelay.py', import.meta.url),
);
/** Debian's interpreter: the relay needs nothing beyond its standard library. */
const PYTHON = '/usr/bin/python3';
const PREFIX = 'twbench-';

/** One end of the link: a namespace and its address. `ns` is null for the host's loopback. */
export const LOOPBACK = Object.freeze({ ns: null, address: '127.0.0.1' });

/**
 * Why this machine cannot host a lab, or undefined when it can.
 * @example
 *   const why = labUnavailable(); if (why) console.log(`skipped: ${why}`);
 */
export function labUnavailable() {
  if (process.getuid?.() !== 0) return 'network namespaces need root';
  if (!existsSync(PYTHON)) return `${PYTHON} is missing`;
  if (!existsSync('/dev/net/tun')) return '/dev/net/tun is missing';
  try {
    execFileSync('ip', ['-V'], { stdio: 'ignore' });
  } catch {
    return 'iproute2 (`ip`) is missing';
  }
  return undefined;
}

const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

function killAllIn(ns) {
  let pids = [];
  try {
    pids = execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).split(/\s+/);
  } catch {
    return;
  }
  // Only what this bench started lives in its namespaces.
  for (const pid of pids.filter(Boolean).map(Number)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

function removeNamespace(ns) {
  killAllIn(ns);
  try {
    execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
  } catch {
    // not created, or already removed
  }
}

/** Removes namespaces left by a bench process that died without closing its lab. */
function sweepStale() {
  let names = [];
  try {
    names = readdirSync('/var/run/netns');
  } catch {
    return;
  }
  for (const name of names) {
    const owner = new RegExp(`^${PREFIX}(\\d+)-`).exec(name)?.[1];
    if (owner !== undefined && !alive(Number(owner))) removeNamespace(name);
  }
}

const open = new Set();
const closeAll = () => {
  for (const close of open) close();
};
process.once('exit', closeAll);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    closeAll();
    process.exit(130);
  });
}

/**
 * Creates namespaces A (10.78.0.1) and B (10.78.0.2) and the relay between them, a clean
 * link at first. `lab.set({ delayMs, loss })` changes it; `lab.argv(side, cmd, args)`
 * gives the command line that runs inside a side; `lab.close()` removes everything.
 * @example
 *   const lab = await createNetLab();
 *   try { await lab.set({ delayMs: 10 }); } finally { lab.close(); }
 */
export async function createNetLab() {
  const why = labUnavailable();
  if (why) throw new Error(`cannot create the network lab: ${why}`);
  sweepStale();
  const id = `${PREFIX}${process.pid}-${Date.now() % 100_000}`;
  const a = { ns: `${id}-a`, address: '10.78.0.1' };
  const b = { ns: `${id}-b`, address: '10.78.0.2' };
  let relay;
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    open.delete(close);
    if (relay?.exitCode === null) relay.kill('SIGKILL');
    for (const side of [a, b]) removeNamespace(side.ns);
  };
  open.add(close);
  try {
    for (const side of [a, b]) execFileSync('ip', ['netns', 'add', side.ns]);
    relay = spawn(
      PYTHON,
      [RELAY, '--ns-a', a.ns, '--ns-b', b.ns, '--addr-a', a.address, '--addr-b', b.address],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let stderr = '';
    relay.stderr.on('data', (d) => (stderr += d));
    const lines = createInterface({ input: relay.stdout })[Symbol.asyncIterator]();
    const next = async () => {
      const { value, done } = await lines.next();
      if (done) throw new Error(`the link relay exited:\n${stderr}`);
      const reply = JSON.parse(value);
      if (reply.error) throw new Error(`link relay: ${reply.error}`);
      return reply;
    };
    await next(); // {"ready": true}
    let chain = Promise.resolve();
    const command = (line) => {
      const result = chain.then(() => {
        relay.stdin.write(`${line}\n`);
        return next();
      });
      chain = result.catch(() => undefined);
      return result;
    };
    return {
      a,
      b,
      /** Sets the one-way delay (half the added RTT) and the loss share (0..1) of each direction. */
      async set({ delayMs = 0, loss = 0 }) {
        await command(`delay ${delayMs}`);
        return command(`loss ${loss}`);
      },
      stats: () => command('stats'),
      close,
    };
  } catch (error) {
    close();
    throw error;
  }
}

/**
 * The command and arguments that run `command args` inside `side` (as is on loopback).
 * @example
 *   spawn(...inSide(lab.a, process.execPath, ['peer.mjs']));
 */
export function inSide(side, command, args) {
  return side.ns === null ? [command, args] : ['ip', ['netns', 'exec', side.ns, command, ...args]];
}
