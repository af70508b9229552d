// Signaling scale-out: PEERS simulated peers (default 10 000) in ROOMS rooms across
// INSTANCES signaling instances (default 3) sharing one real redis-server, against the same
// peers on one instance with the in-process store, measured in the same run.
// Per setup: registrations/s; discovery latency p50/p99 (a peer registers on one instance,
// a watcher of its room on another instance sees it join); RSS per instance with the peers
// idle. Needs Debian's redis-server (scripts/ensure-redis.sh installs it).
// Options (env): PEERS, ROOMS (default 100), INSTANCES, CONCURRENCY (registrations in
// flight, default 100).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SignalingClient } from '@trainwire/transport-webrtc';
import { positiveIntEnv } from '../env.mjs';
import { percentiles, spawnJsonPeer, writeResults } from '../lib/results.mjs';

const INSTANCE = fileURLToPath(new URL('./instance.mjs', import.meta.url));
const PEERS = positiveIntEnv('PEERS', 10_000);
const ROOMS = positiveIntEnv('ROOMS', 100);
const INSTANCES = positiveIntEnv('INSTANCES', 3);
const CONCURRENCY = positiveIntEnv('CONCURRENCY', 100);
const MiB = 1024 * 1024;

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A redis-server of the bench's own: loopback, no persistence, a temp dir. */
async function startRedis() {
  const dir = mkdtempSync(join(tmpdir(), 'tw-bench-redis-'));
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const failed = new Promise((_, reject) => {
    child.once('error', (error) =>
      reject(
        new Error(
          `redis-server could not start (${error.message}); install it with scripts/ensure-redis.sh`,
        ),
      ),
    );
  });
  const ready = new Promise((resolve) => {
    let text = '';
    child.stdout.on('data', (chunk) => {
      text += chunk;
      if (/Ready to accept connections/.test(text)) resolve();
    });
  });
  await Promise.race([ready, failed]);
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Registers PEERS clients round robin over `instances` and `rooms`; one watcher per room. */
async function measure(label, instances, tokens) {
  const rss = async () =>
    Promise.all(
      instances.map(async (instance) => {
        instance.peer.send({});
        return (await instance.peer.next()).rss;
      }),
    );
  const before = await rss();
  const clients = [];
  const register = async (n, room, instance) => {
    const client = new SignalingClient({
      url: instances[instance].url,
      room: `room-${room}`,
      role: 'client',
      credential: tokens[room],
      name: `peer-${n}`,
    });
    const peerId = await client.connect();
    clients.push(client);
    return { client, peerId };
  };
  // The watchers: one per room, on instance 0; they see every later peer of their room join.
  const seen = new Map();
  for (let room = 0; room < ROOMS; room++) {
    const { client } = await register(-room - 1, room, 0);
    client.presence$.subscribe((event) => {
      if (event.type === 'peer-joined') seen.set(event.peer.peerId, performance.now());
    });
  }
  const welcomed = new Map();
  const start = performance.now();
  for (let n = 0; n < PEERS; n += CONCURRENCY) {
    const batch = [];
    for (let k = n; k < Math.min(PEERS, n + CONCURRENCY); k++) {
      // Peers of a room land on every instance but the watcher's, where there are others.
      const instance = instances.length > 1 ? 1 + (k % (instances.length - 1)) : 0;
      batch.push(
        register(k, k % ROOMS, instance).then(({ peerId }) =>
          welcomed.set(peerId, performance.now()),
        ),
      );
    }
    await Promise.all(batch);
  }
  const registrationsPerSec = PEERS / ((performance.now() - start) / 1000);
  // Discovery: from a peer's welcome on its instance to its room's watcher seeing it.
  const deadline = performance.now() + 30_000;
  while (seen.size < welcomed.size && performance.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 50));
  const latencies = [];
  let unseen = 0;
  for (const [peerId, at] of welcomed) {
    const saw = seen.get(peerId);
    if (saw === undefined) unseen++;
    else latencies.push(Math.max(0, saw - at));
  }
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const after = await rss();
  await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
  return {
    label,
    instances: instances.length,
    registrationsPerSec,
    discoveryMs: percentiles(latencies),
    unseen,
    rssPerInstanceMiB: after.map((bytes) => bytes / MiB),
    rssGrowthPerInstanceMiB: after.map((bytes, i) => (bytes - before[i]) / MiB),
  };
}

async function startInstances(mode, count, redis) {
  const instances = [];
  let tokens;
  try {
    for (let i = 0; i < count; i++) {
      const args = ['--expose-gc', INSTANCE, mode, redis ?? '-'];
      if (i === 0) args.push('setup', String(ROOMS));
      const peer = spawnJsonPeer(process.execPath, args);
      const hello = await peer.next();
      if (i === 0) tokens = hello.tokens;
      instances.push({ peer, url: hello.url });
    }
  } catch (error) {
    await Promise.all(instances.map((instance) => instance.peer.stop()));
    throw error;
  }
  return {
    instances,
    tokens,
    stop: () => Promise.all(instances.map((instance) => instance.peer.stop())),
  };
}

console.log(
  `signaling scale-out: ${PEERS} peers in ${ROOMS} rooms, ${CONCURRENCY} registrations in flight`,
);
const local = await startInstances('local', 1);
let single;
try {
  single = await measure(
    'one instance, in-process store (baseline)',
    local.instances,
    local.tokens,
  );
} finally {
  await local.stop();
}
const redis = await startRedis();
let shared;
try {
  const set = await startInstances('redis', INSTANCES, redis.url);
  try {
    shared = await measure(`${INSTANCES} instances on one Redis`, set.instances, set.tokens);
  } finally {
    await set.stop();
  }
} finally {
  await redis.stop();
}

for (const r of [single, shared]) {
  console.log(
    `${r.label.padEnd(42)} ${r.registrationsPerSec.toFixed(0).padStart(6)} registrations/s   ` +
      `discovery p50 ${r.discoveryMs.p50?.toFixed(1)} / p99 ${r.discoveryMs.p99?.toFixed(1)} ms` +
      `${r.unseen ? ` (${r.unseen} never seen)` : ''}   RSS per instance ${r.rssPerInstanceMiB
        .map((m) => m.toFixed(0))
        .join(' / ')} MiB`,
  );
}
console.log(
  `ratios: registrations shared/single ${(shared.registrationsPerSec / single.registrationsPerSec).toFixed(2)}x; ` +
    `discovery p99 shared/single ${(shared.discoveryMs.p99 / Math.max(single.discoveryMs.p99, 0.001)).toFixed(1)}x`,
);
writeResults('scale-out', { peers: PEERS, rooms: ROOMS, concurrency: CONCURRENCY, single, shared });
process.exit(single.unseen + shared.unseen === 0 ? 0 : 1);
