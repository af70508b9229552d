// The "trainer" of the progress-ingest benchmark: publishes COUNT batch_end messages to
// TRAINWIRE_ZMQ_PUBLISH, each stamped with its send time, paced in small bursts.
// `raw`: a bare zeromq PUB socket (the baseline). `bridge`: trainwire's progress publisher.
import { setTimeout as sleep } from 'node:timers/promises';
import { positiveIntEnv } from '../env.mjs';

const mode = process.argv[2] ?? 'bridge';
const count = positiveIntEnv('BENCH_COUNT', 10_000);
const burst = 20;
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
  close = () => pub.close();
}

await publish({ event: 'train_begin', total_epochs: 1 });
for (let k = 0; k < count; k += burst) {
  for (let j = k; j < Math.min(k + burst, count); j++) {
    await publish({ event: 'batch_end', epoch: 0, batch: j, logs: { sent_at: now() } });
  }
  await sleep(1); // about 10-20k messages a second: a busy trainer, not a flood
}
await publish({ event: 'train_end' });
await close();
