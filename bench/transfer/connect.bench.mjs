// Connect time, offer → data channels open (connectToWorker resolving), p50 / p99, for
// each WebRTC backend in backends.mjs, between two processes on loopback and through the
// relay at 20 ms RTT; next to a TCP connect between the same two processes (one round
// trip: the floor). The client stays registered and reconnects to one worker N times.
// Writes bench/results/connect.json. Options (env): CONNECTS (default 20), BACKENDS,
// LINKS (default loopback,20; see transfer.bench.mjs), TIMEOUT_S (default 120).
import { positiveIntEnv } from '../env.mjs';
import { percentiles, writeResults } from '../lib/results.mjs';
import { pickBackends } from './backends.mjs';
import { forEachLink, measurePair, parseLinks } from './links.mjs';

const CONNECTS = positiveIntEnv('CONNECTS', 20);
const TIMEOUT_MS = positiveIntEnv('TIMEOUT_S', 120) * 1000;
const backends = await pickBackends(process.env.BACKENDS);
const links = parseLinks(process.env.LINKS, 'loopback,20');

async function connectTimes(backend, a, b) {
  const n = String(CONNECTS);
  const answer = await measurePair(
    backend,
    a,
    b,
    (port) => ['tcp-connect', b.address, String(port), n],
    (...signaling) => ['rtc-connect', ...signaling, n],
    TIMEOUT_MS,
  );
  return answer.error ? answer : percentiles(answer.connectMs);
}

console.log(`connect: ${CONNECTS} connects per backend and link, one client, one worker`);
const runs = [];
const { skippedRelay } = await forEachLink(links, async (link, a, b) => {
  for (const backend of backends) {
    const stats = backend.skip ? { skipped: backend.skip } : await connectTimes(backend, a, b);
    const run = { backend: backend.name, ...link, ...stats };
    runs.push(run);
    const where = link.link === 'loopback' ? 'loopback' : `relay ${link.rttMs} ms`;
    const f = (ms) => `${ms.toFixed(1)} ms`.padStart(10);
    console.log(
      `${backend.name.padEnd(16)} ${where.padEnd(14)} ` +
        (stats.p50 === undefined
          ? (stats.error ?? stats.skipped)
          : `p50${f(stats.p50)}  p99${f(stats.p99)}  max${f(stats.max)}`),
    );
  }
});
writeResults('connect', { connects: CONNECTS, ...(skippedRelay ? { skippedRelay } : {}), runs });
