// A worker in a process of its own, for tests that kill it or race it for a data dir:
//   node workerProcess.mjs DATA_DIR [JOB_ID CONFIG_JSON]   (CONFIG_JSON {stages: […]}: a pipeline)
// $TW_WORKER_CONFIG (JSON) is merged into the worker's config (e.g. `launcher: slurm`).
// Prints one JSON line per thing a test waits for: {ready}, {event}, {error}; SIGINT or
// SIGTERM closes the worker the way the CLI does.
import { RpcPeer } from '@trainwire/core';
import { createMemoryTransportPair } from '@trainwire/core/testing';
import { createWorker } from '../../dist/index.js';

const [dataDir, jobId, configJson] = process.argv.slice(2);
const say = (value) => process.stdout.write(`${JSON.stringify(value)}\n`);
const noGpu = async () => {
  throw Object.assign(new Error('spawn nvidia-smi ENOENT'), { code: 'ENOENT' });
};

let worker;
try {
  const extra = JSON.parse(process.env.TW_WORKER_CONFIG ?? '{}');
  worker = await createWorker({ dataDir, name: 'child', ...extra }, { runCommand: noGpu });
} catch (error) {
  say({ error: { code: error.code, message: error.message } });
  process.exit(1);
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    void worker.close({ signal }).then(() => process.exit(0));
  });
}
const [clientEnd, workerEnd] = createMemoryTransportPair();
worker.accept(workerEnd);
await Promise.all([clientEnd.connect(), workerEnd.connect()]);
const client = new RpcPeer(clientEnd);
client.events$.subscribe((event) => {
  if (event.type === 'progress' && event.progress.event !== 'epoch_end') return;
  if (event.type !== 'log') say({ event });
});
if (jobId !== undefined) {
  const config = JSON.parse(configJson ?? '{}');
  // A config with `stages` starts a pipeline of them instead.
  const spec = Array.isArray(config.stages)
    ? { profile: 'pipeline', stages: config.stages }
    : { profile: 'builtin', config };
  await client.request('job.start', { jobId, spec });
}
say({ ready: true, pid: process.pid });
