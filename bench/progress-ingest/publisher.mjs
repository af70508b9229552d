// The "trainer" of the progress-ingest benchmark: publishes BENCH_COUNT batch_end messages
// to TRAINWIRE_ZMQ_PUBLISH, each stamped with its send time, paced (two a millisecond at
// most: a very busy trainer), or all at once with BENCH_BURST=1. Paced, it waits a second
// after train_begin, as a trainer loading its model does, so that latency is that of a
// running job, not of the subscription being made; a burst starts at once.
// `raw`: a bare zeromq PUB socket (the baseline). `bridge`: trainwire's progress publisher.
import { writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { positiveIntEnv } from '../env.mjs';

const mode = process.argv[2] ?? 'bridge';
const count = positiveIntEnv('BENCH_COUNT', 10_000);
const flood = process.env.BENCH_BURST === '1';
const burst = 2;
const address = process.env.TRAINWIRE_ZMQ_PUBLISH;
if (!address) throw new Error('TRAINWIRE_ZMQ_PUBLISH is not set');
const now = () => performance.timeOrigin + performance.now();

let publish;
let close;
if (mode === 'raw') {
  const { Publisher } = await import('zeromq');
  const pub = new Publisher({ sendHighWaterMark: 100_000 });
  pub.connect(address);
  await sleep(300); // slow joiner
  publish = (message) => pub.send(JSON.stringify(message));
  close = async () => {
    await sleep(200);
    pub.close();
  };
} else {
  const { createProgressPublisher } = await import('@trainwire/bridge-zmq');
  const pub = await createProgressPublisher({ publishAddress: address });
  publish = (message) => pub.publish(message);
  close = async () => {
    await pub.close();
    // What the publisher itself dropped, for the bench to tell apart from later losses.
    if (process.env.BENCH_STATS_FILE)
      writeFileSync(process.env.BENCH_STATS_FILE, JSON.stringify(pub.stats));
  };
}

await publish({ event: 'train_begin', total_epochs: 1 });
if (!flood) await sleep(1_000);
for (let k = 0; k < count; k += burst) {
  for (let j = k; j < Math.min(k + burst, count); j++) {
    // A loss, as real batches have: the viewer feed forwards only batches with one.
    const logs = { loss: 1 / (j + 1), sent_at: now() };
    await publish({ event: 'batch_end', epoch: 0, batch: j, logs });
  }
  if (!flood) await sleep(1);
}
await publish({ event: 'train_end' });
await close();
