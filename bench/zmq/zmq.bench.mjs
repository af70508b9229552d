// ZeroMQ bench for @trainwire/bridge-zmq. Run after a build:
//   npm run build -w @trainwire/core -w @trainwire/bridge-zmq && node bench/zmq/zmq.bench.mjs
// Options (env): ZMQ_BENCH_MESSAGES (default 100000), ZMQ_BENCH_PINGS (default 2000), ZMQ_BENCH_JSON=1.
// Writes bench/results/zmq.json.
//
// Measures, on loopback, in one run:
//   raw      ZeroMQ PUB → SUB, the floor (HWM raised, each send awaited)
//   feed     job events → createViewerFeed → viewer SUB (what a client does for LossViewer)
//   pipeline trainer createProgressPublisher → createTrainerReader → job events →
//            createViewerFeed → viewer SUB (worker and client in one process, no WebRTC)
// Throughput in messages/s for a burst, latency p50/p99 for one message at a time.
import {
  createProgressPublisher,
  createTrainerReader,
  createViewerFeed,
} from '@trainwire/bridge-zmq';
import { Subject } from 'rxjs';
import { Publisher, Subscriber } from 'zeromq';
import { positiveIntEnv } from '../env.mjs';
import { writeResults } from '../lib/results.mjs';

const MESSAGES = positiveIntEnv('ZMQ_BENCH_MESSAGES', 100_000);
const PINGS = positiveIntEnv('ZMQ_BENCH_PINGS', 2_000);
const HWM = 1_000_000;
const now = () => Number(process.hrtime.bigint()) / 1e6; // ms
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function batchEnd(batch) {
  return { event: 'batch_end', epoch: 0, batch, logs: { 'train/loss': 1 / (batch + 1) } };
}

/** A viewer: binds SUB (as LossViewer does) and calls onMessage for every frame. */
async function bindViewer(onMessage) {
  const sub = new Subscriber({ receiveHighWaterMark: HWM, linger: 0 });
  sub.subscribe();
  await sub.bind('tcp://127.0.0.1:*');
  void (async () => {
    try {
      for await (const [frame] of sub) onMessage(frame);
    } catch {}
  })();
  return { address: sub.lastEndpoint, close: () => sub.close() };
}

/** Resolves when `count()` reaches n, or rejects after `ms`. */
async function until(count, n, ms = 120_000) {
  const deadline = now() + ms;
  while (count() < n) {
    if (now() > deadline) throw new Error(`only ${count()} of ${n} arrived`);
    await new Promise((r) => setImmediate(r));
  }
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Sends one message at a time through `send`, timing until `received()` grows. */
async function pingLatency(send, received) {
  const samples = [];
  for (let i = 0; i < PINGS; i++) {
    const before = received();
    const start = now();
    await send(i);
    await until(received, before + 1, 10_000);
    samples.push(now() - start);
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

async function raw() {
  let received = 0;
  const viewer = await bindViewer(() => received++);
  const pub = new Publisher({ sendHighWaterMark: HWM, linger: 0 });
  pub.connect(viewer.address);
  // Slow joiner: repeat a hello until it arrives.
  while (received === 0) {
    await pub.send('{"event":"hello"}');
    await sleep(20);
  }
  received = 0;
  const text = (i) => JSON.stringify({ what: 'bench', ...batchEnd(i) });
  const start = now();
  for (let i = 0; i < MESSAGES; i++) await pub.send(text(i));
  await until(() => received, MESSAGES);
  const rate = MESSAGES / ((now() - start) / 1000);
  const latency = await pingLatency(
    (i) => pub.send(text(i)),
    () => received,
  );
  pub.close();
  viewer.close();
  return { rate, ...latency };
}

/** Same burst with ZeroMQ's defaults (HWM 1000) and sends not awaited: what is lost. */
async function rawDefaults() {
  let received = 0;
  const viewer = await bindViewer(() => received++);
  const pub = new Publisher({ linger: 0, sendTimeout: 0 });
  pub.connect(viewer.address);
  while (received === 0) {
    await pub.send('{"event":"hello"}');
    await sleep(20);
  }
  received = 0;
  let refused = 0;
  for (let i = 0; i < MESSAGES; i++) {
    pub.send(JSON.stringify(batchEnd(i))).catch(() => refused++);
  }
  await sleep(2_000);
  pub.close();
  viewer.close();
  return { received, refused };
}

function fakeSession() {
  const events = new Subject();
  let seq = 0;
  return {
    events$: events.asObservable(),
    stop: async () => {},
    emit(progress) {
      seq++;
      events.next({ type: 'progress', jobId: 'bench', seq, ts: Date.now(), progress });
    },
  };
}

async function feed() {
  let received = 0;
  const viewer = await bindViewer(() => received++);
  const session = fakeSession();
  const feed = await createViewerFeed(session, {
    what: 'bench',
    publishAddress: viewer.address,
    controlAddress: 'tcp://127.0.0.1:1',
  });
  session.emit({ event: 'train_begin' });
  await until(() => received, 1);
  received = 0;
  const start = now();
  for (let i = 0; i < MESSAGES; i++) session.emit(batchEnd(i));
  await until(() => received, MESSAGES);
  const rate = MESSAGES / ((now() - start) / 1000);
  const latency = await pingLatency(
    async (i) => session.emit(batchEnd(i)),
    () => received,
  );
  const { dropped } = feed.stats;
  await feed.close();
  viewer.close();
  return { rate, ...latency, dropped };
}

async function pipeline() {
  let received = 0;
  const viewer = await bindViewer(() => received++);
  const reader = await createTrainerReader();
  const session = fakeSession();
  reader.messages$.subscribe((m) => m.kind === 'progress' && session.emit(m.progress));
  const feed = await createViewerFeed(session, {
    what: 'bench',
    publishAddress: viewer.address,
    controlAddress: 'tcp://127.0.0.1:1',
  });
  const trainer = await createProgressPublisher({
    publishAddress: reader.publishAddress,
    controlAddress: reader.controlAddress,
    what: 'bench',
  });
  await trainer.publish({ event: 'train_begin' });
  await until(() => received, 1);
  received = 0;
  const start = now();
  for (let i = 0; i < MESSAGES; i++) await trainer.publish(batchEnd(i));
  await until(() => received, MESSAGES);
  const rate = MESSAGES / ((now() - start) / 1000);
  const latency = await pingLatency(
    (i) => trainer.publish(batchEnd(i)),
    () => received,
  );
  const dropped = reader.stats.dropped + feed.stats.dropped + trainer.stats.dropped;
  await trainer.close();
  await feed.close();
  await reader.close();
  viewer.close();
  return { rate, ...latency, dropped };
}

const results = { messages: MESSAGES, pings: PINGS };
results.raw = await raw();
results.rawDefaults = await rawDefaults();
results.feed = await feed();
results.pipeline = await pipeline();

if (process.env.ZMQ_BENCH_JSON === '1') {
  console.log(JSON.stringify(results, null, 2));
} else {
  const f = (n, d = 0) =>
    n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  const row = (name, r) =>
    `${name.padEnd(10)} ${f(r.rate).padStart(10)} msg/s  (${f(r.rate / results.raw.rate, 2)}× raw)   ` +
    `p50 ${f(r.p50, 3)} ms  p99 ${f(r.p99, 3)} ms  (p50 ${f(r.p50 / results.raw.p50, 1)}× raw)` +
    (r.dropped === undefined ? '' : `   dropped ${r.dropped}`);
  console.log(`ZeroMQ on loopback, ${f(MESSAGES)}-message burst, ${f(PINGS)} one-at-a-time pings`);
  console.log(row('raw', results.raw));
  console.log(row('feed', results.feed));
  console.log(row('pipeline', results.pipeline));
  console.log(
    `raw with ZeroMQ defaults (HWM 1000, sends not awaited): ${f(results.rawDefaults.received)} of ${f(MESSAGES)} arrived, ` +
      `${f(results.rawDefaults.refused)} sends refused`,
  );
}
writeResults('zmq', results);
process.exit(0);
