// Registrations per second and server RSS per 1 000 idle peers for trainwire's signaling
// server (createSignalingServer on 127.0.0.1, in its own process; every peer a client of
// one room with a room token), next to a bare `ws` server answering a hello, measured in
// the same run. Aim: 1 000 idle peers < 200 MB RSS.
// Options (env): PEERS (default 1000), CONCURRENCY (registrations in flight, default 50),
// IDLE_S (how long the peers stay idle before RSS is read, default 3).
import { fileURLToPath } from 'node:url';
import { SignalingClient } from '@trainwire/transport-webrtc';
import { WebSocket } from 'ws';
import { positiveIntEnv } from '../env.mjs';
import { spawnJsonPeer, writeResults } from '../lib/results.mjs';

const SERVER = fileURLToPath(new URL('./server.mjs', import.meta.url));
const PEERS = positiveIntEnv('PEERS', 1000);
const CONCURRENCY = positiveIntEnv('CONCURRENCY', 50);
const IDLE_MS = positiveIntEnv('IDLE_S', 3) * 1000;
const MiB = 1024 * 1024;

/** Opens one bare WebSocket and waits for the answer to its hello. */
function bareRegister(url, n) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.once('open', () => socket.send(JSON.stringify({ type: 'hello', n })));
    socket.once('message', () => resolve({ close: async () => socket.close() }));
    socket.once('error', reject);
  });
}

async function trainwireRegister(url, token, n) {
  const client = new SignalingClient({
    url,
    room: 'bench',
    role: 'client',
    credential: token,
    name: `peer-${n}`,
  });
  await client.connect();
  return client;
}

async function measure(kind) {
  const server = spawnJsonPeer(process.execPath, ['--expose-gc', SERVER, kind]);
  try {
    const { url, token } = await server.next();
    const rss = async () => {
      server.send({});
      return (await server.next()).rss;
    };
    const before = await rss();
    const peers = [];
    const start = performance.now();
    for (let n = 0; n < PEERS; n += CONCURRENCY) {
      const batch = [];
      for (let k = n; k < Math.min(PEERS, n + CONCURRENCY); k++)
        batch.push(kind === 'ws' ? bareRegister(url, k) : trainwireRegister(url, token, k));
      peers.push(...(await Promise.all(batch)));
    }
    const perSec = PEERS / ((performance.now() - start) / 1000);
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
    const after = await rss();
    await Promise.all(peers.map((peer) => peer.close()));
    return {
      registrationsPerSec: perSec,
      rssBeforeMiB: before / MiB,
      rssWithPeersMiB: after / MiB,
      rssPer1000PeersMiB: ((after - before) / MiB) * (1000 / PEERS),
      // What the server holds with 1 000 idle peers (scaled when PEERS is another number).
      rssAt1000PeersMiB: (before + (after - before) * (1000 / PEERS)) / MiB,
    };
  } finally {
    await server.stop();
  }
}

const bare = await measure('ws');
const trainwire = await measure('trainwire');
const f = (n, d = 0) => n.toFixed(d).padStart(7);
console.log(`signaling: ${PEERS} idle peers, ${CONCURRENCY} registrations in flight`);
for (const [name, r] of [
  ['bare ws (baseline)', bare],
  ['trainwire signaling', trainwire],
]) {
  console.log(
    `${name.padEnd(20)} ${f(r.registrationsPerSec)} registrations/s   server RSS ${f(r.rssBeforeMiB, 1)} → ` +
      `${f(r.rssWithPeersMiB, 1)} MiB   (+${r.rssPer1000PeersMiB.toFixed(1)} MiB per 1 000 peers)`,
  );
}
console.log(
  `ratios: bare/trainwire registrations ${(bare.registrationsPerSec / trainwire.registrationsPerSec).toFixed(1)}x; ` +
    `aim: 1 000 idle peers < 200 MB server RSS: ${trainwire.rssAt1000PeersMiB.toFixed(0)} MiB, ${trainwire.rssAt1000PeersMiB < 200 * (1e6 / MiB) ? 'met' : 'NOT met'}`,
);
writeResults('signaling', { peers: PEERS, concurrency: CONCURRENCY, bare, trainwire });
process.exit(0);
