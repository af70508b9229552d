// Latency from a trainer's ZeroMQ PUB to the job event a connected client receives from
// the worker (parsed, numbered, stored in SQLite, pushed over the memory transport), for
// 10 000 progress messages, next to raw ZeroMQ PUB → SUB between the same two processes.
//
//   npm run build && node bench/progress-ingest/progressIngest.bench.mjs
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parsePythonJson } from '@trainwire/bridge-zmq';
import { RpcPeer } from '@trainwire/core';
import { createMemoryTransportPair } from '@trainwire/core/testing';
import { createWorker } from '@trainwire/worker';
import { Subscriber } from 'zeromq';
import { positiveIntEnv } from '../env.mjs';

const COUNT = positiveIntEnv('BENCH_COUNT', 10_000);
const publisher = fileURLToPath(new URL('./publisher.mjs', import.meta.url));
const now = () => performance.timeOrigin + performance.now();

function percentiles(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
  return { n: sorted.length, p50: at(50), p99: at(99), max: sorted.at(-1) };
}

function row(name, stats) {
  const f = (v) => `${v.toFixed(3)} ms`.padStart(11);
  console.log(
    `${name.padEnd(34)} n=${String(stats.n).padStart(6)}  p50${f(stats.p50)}  p99${f(stats.p99)}  max${f(stats.max)}`,
  );
}

async function rawZmq(mode = 'raw') {
  const sub = new Subscriber({ receiveHighWaterMark: 100_000 });
  sub.subscribe();
  await sub.bind('tcp://127.0.0.1:*');
  const latencies = [];
  const child = spawn(process.execPath, [publisher, mode], {
    env: { ...process.env, TRAINWIRE_ZMQ_PUBLISH: sub.lastEndpoint, BENCH_COUNT: String(COUNT) },
    stdio: 'inherit',
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  for await (const [frame] of sub) {
    const message = parsePythonJson(frame.toString());
    if (message.event === 'batch_end') latencies.push(now() - message.logs.sent_at);
    if (message.event === 'train_end') break;
  }
  await exited;
  sub.close();
  return latencies;
}

async function throughWorker() {
  const dataDir = mkdtempSync(join(tmpdir(), 'tw-bench-'));
  const worker = await createWorker({
    dataDir,
    builtinProfiles: false,
    profiles: [
      {
        id: 'bench',
        command: [process.execPath, publisher, 'bridge'],
        env: { BENCH_COUNT: String(COUNT) },
      },
    ],
  });
  const [clientEnd, workerEnd] = createMemoryTransportPair();
  worker.accept(workerEnd);
  await Promise.all([clientEnd.connect(), workerEnd.connect()]);
  const client = new RpcPeer(clientEnd);
  const latencies = [];
  const done = new Promise((resolve) => {
    client.events$.subscribe((event) => {
      if (event.type === 'progress' && event.progress.event === 'batch_end') {
        latencies.push(now() - event.progress.logs.sent_at);
      }
      if (event.type === 'state' && ['completed', 'failed', 'cancelled'].includes(event.state))
        resolve(event);
    });
  });
  await client.request('job.start', { jobId: 'bench', spec: { profile: 'bench' } });
  const final = await done;
  if (final.state !== 'completed')
    throw new Error(`the bench job ended ${final.state}: ${final.error?.message}`);
  const stored = worker.jobs.getJob('bench').lastSeq;
  await worker.close();
  await clientEnd.close();
  rmSync(dataDir, { recursive: true, force: true });
  return { latencies, stored };
}

console.log(`progress ingest: ${COUNT} batch_end messages, trainer process → this process`);
const raw = await rawZmq();
row('raw zeromq PUB → SUB (baseline)', percentiles(raw));
row('bridge publisher → raw SUB', percentiles(await rawZmq('bridge')));
const { latencies, stored } = await throughWorker();
row('trainer PUB → worker job event', percentiles(latencies));
console.log(`events stored by the worker: ${stored}; received by the client: ${latencies.length}`);
