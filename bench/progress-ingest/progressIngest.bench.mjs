// Latency from a trainer's ZeroMQ PUB through the worker (parsed, numbered, stored in
// SQLite), over the memory transport to a client, and out of the client's viewer feed to a
// loss viewer's SUB socket, p50 / p99 for BENCH_COUNT (10 000) paced progress messages, next
// to raw ZeroMQ PUB → SUB between the same two processes, measured in the same run. Then a
// burst of BURST_COUNT (100 000) messages as fast as the trainer can publish: every one must
// reach the worker's store, the client and the viewer (zero lost). Aims: p99 < 10 ms end to
// end; zero lost. Writes bench/results/progress-ingest.json.
//
//   npm run build && node bench/progress-ingest/progressIngest.bench.mjs
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createViewerFeed, parsePythonJson } from '@trainwire/bridge-zmq';
import { RpcPeer } from '@trainwire/core';
import { createMemoryTransportPair } from '@trainwire/core/testing';
import { createWorker } from '@trainwire/worker';
import { Subscriber } from 'zeromq';
import { positiveIntEnv } from '../env.mjs';
import { percentiles, writeResults } from '../lib/results.mjs';

const COUNT = positiveIntEnv('BENCH_COUNT', 10_000);
const BURST_COUNT = positiveIntEnv('BURST_COUNT', 100_000);
const publisher = fileURLToPath(new URL('./publisher.mjs', import.meta.url));
const now = () => performance.timeOrigin + performance.now();

function row(name, stats) {
  const f = (v) => `${v.toFixed(3)} ms`.padStart(11);
  console.log(
    `${name.padEnd(34)} n=${String(stats.n).padStart(6)}  p50${f(stats.p50)}  p99${f(stats.p99)}  max${f(stats.max)}`,
  );
}

async function rawZmq(mode, count, burst = false) {
  const sub = new Subscriber({ receiveHighWaterMark: 1_000_000 });
  sub.subscribe();
  await sub.bind('tcp://127.0.0.1:*');
  const latencies = [];
  const child = spawn(process.execPath, [publisher, mode], {
    env: {
      ...process.env,
      TRAINWIRE_ZMQ_PUBLISH: sub.lastEndpoint,
      BENCH_COUNT: String(count),
      BENCH_BURST: burst ? '1' : '0',
    },
    stdio: 'inherit',
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const start = performance.now();
  for await (const [frame] of sub) {
    const message = parsePythonJson(frame.toString());
    if (message.event === 'batch_end') latencies.push(now() - message.logs.sent_at);
    if (message.event === 'train_end') break;
  }
  const ms = performance.now() - start;
  await exited;
  sub.close();
  return { latencies, ms };
}

/** A loss viewer: binds SUB as LossViewer does, and keeps each batch's latency. */
async function bindViewer() {
  const sub = new Subscriber({ receiveHighWaterMark: 1_000_000, linger: 0 });
  sub.subscribe();
  await sub.bind('tcp://127.0.0.1:*');
  const latencies = [];
  void (async () => {
    try {
      for await (const [frame] of sub) {
        const message = parsePythonJson(frame.toString());
        if (message.event === 'batch_end') latencies.push(now() - message.logs.sent_at);
      }
    } catch {
      // closed
    }
  })();
  return { address: sub.lastEndpoint, latencies, close: () => sub.close() };
}

/** Waits until `ready()` holds, polling, for at most `ms`. */
async function until(ready, ms) {
  const deadline = performance.now() + ms;
  while (!ready()) {
    if (performance.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return true;
}

/** trainer → worker → client → viewer feed → viewer, for `count` messages. */
async function throughWorker(count, burst = false) {
  const dataDir = mkdtempSync(join(tmpdir(), 'tw-bench-'));
  const worker = await createWorker({
    dataDir,
    builtinProfiles: false,
    profiles: [
      {
        id: 'bench',
        command: [process.execPath, publisher, 'bridge'],
        env: {
          BENCH_COUNT: String(count),
          BENCH_BURST: burst ? '1' : '0',
          BENCH_STATS_FILE: join(dataDir, 'publisher-stats.json'),
        },
      },
    ],
  });
  const [clientEnd, workerEnd] = createMemoryTransportPair();
  worker.accept(workerEnd);
  await Promise.all([clientEnd.connect(), workerEnd.connect()]);
  const client = new RpcPeer(clientEnd);
  const viewer = await bindViewer();
  const feed = await createViewerFeed(
    { events$: client.events$, stop: async () => {} },
    { what: 'bench', publishAddress: viewer.address, controlAddress: 'tcp://127.0.0.1:1' },
  );
  await until(() => feed.stats.viewerConnected, 5_000);
  const latencies = [];
  let lastBatch = -1;
  let firstGap;
  const done = new Promise((resolve) => {
    client.events$.subscribe((event) => {
      if (event.type === 'progress' && event.progress.event === 'batch_end') {
        latencies.push(now() - event.progress.logs.sent_at);
        // Where the first batch went missing: mid-stream, or only the tail.
        if (firstGap === undefined && event.progress.batch !== lastBatch + 1)
          firstGap = lastBatch + 1;
        lastBatch = event.progress.batch;
      }
      if (event.type === 'state' && ['completed', 'failed', 'cancelled'].includes(event.state))
        resolve(event);
    });
  });
  const start = performance.now();
  await client.request('job.start', { jobId: 'bench', spec: { profile: 'bench' } });
  const final = await done;
  const ms = performance.now() - start;
  if (final.state !== 'completed')
    throw new Error(`the bench job ended ${final.state}: ${final.error?.message}`);
  // The feed publishes after the client sees each event: give the last ones a moment.
  await until(() => viewer.latencies.length >= count, 10_000);
  const stored = worker.jobs.getJob('bench').lastSeq;
  const publisherStats = JSON.parse(readFileSync(join(dataDir, 'publisher-stats.json'), 'utf8'));
  const result = {
    publisherDropped: publisherStats.dropped,
    firstMissingBatch: firstGap ?? (lastBatch === count - 1 ? undefined : lastBatch + 1),
    ms,
    latencies,
    viewerLatencies: [...viewer.latencies],
    stored,
    feedDropped: feed.stats.dropped,
  };
  await feed.close();
  viewer.close();
  await worker.close();
  await clientEnd.close();
  rmSync(dataDir, { recursive: true, force: true });
  return result;
}

console.log(`progress: ${COUNT} paced batch_end messages, trainer process → this process`);
const raw = await rawZmq('raw', COUNT);
row('raw zeromq PUB → SUB (baseline)', percentiles(raw.latencies));
const bridge = await rawZmq('bridge', COUNT);
row('bridge publisher → raw SUB', percentiles(bridge.latencies));
const paced = await throughWorker(COUNT);
row('trainer → worker → client', percentiles(paced.latencies));
row('trainer → … → viewer feed → viewer', percentiles(paced.viewerLatencies));
const endToEnd = percentiles(paced.viewerLatencies);
console.log(
  `ratio p99 end to end / raw: ${(endToEnd.p99 / percentiles(raw.latencies).p99).toFixed(1)}x; ` +
    `aim p99 < 10 ms: ${endToEnd.p99 < 10 ? 'met' : 'NOT met'}`,
);

console.log(`burst: ${BURST_COUNT} batch_end messages, published as fast as the trainer can`);
const rawBurst = await rawZmq('raw', BURST_COUNT, true);
const burst = await throughWorker(BURST_COUNT, true);
const rate = (n, ms) => `${Math.round(n / (ms / 1000)).toLocaleString('en-US')} msg/s`;
console.log(
  `raw zeromq (baseline)              received ${rawBurst.latencies.length} of ${BURST_COUNT}, ${rate(rawBurst.latencies.length, rawBurst.ms)}`,
);
const lost = BURST_COUNT - burst.viewerLatencies.length;
console.log(
  `trainer → … → viewer               stored ${burst.stored} events, client ${burst.latencies.length}, ` +
    `viewer ${burst.viewerLatencies.length} of ${BURST_COUNT}, ${rate(burst.latencies.length, burst.ms)}: ` +
    `${lost === 0 ? 'zero lost' : `${lost} LOST (the trainer's publisher dropped ${burst.publisherDropped}; first missing batch: ${burst.firstMissingBatch})`}`,
);

const summary = (latencies) => ({ ...percentiles(latencies) });
writeResults('progress-ingest', {
  count: COUNT,
  paced: {
    rawZmqMs: summary(raw.latencies),
    bridgePublisherMs: summary(bridge.latencies),
    toClientMs: summary(paced.latencies),
    toViewerMs: summary(paced.viewerLatencies),
  },
  burst: {
    count: BURST_COUNT,
    rawZmq: {
      received: rawBurst.latencies.length,
      perSec: rawBurst.latencies.length / (rawBurst.ms / 1000),
    },
    trainwire: {
      stored: burst.stored,
      client: burst.latencies.length,
      viewer: burst.viewerLatencies.length,
      perSec: burst.latencies.length / (burst.ms / 1000),
      publisherDropped: burst.publisherDropped,
      firstMissingBatch: burst.firstMissingBatch,
      feedDropped: burst.feedDropped,
      lost,
    },
  },
});
process.exit(lost === 0 ? 0 : 1);
