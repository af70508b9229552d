// `experiments list` against a worker store of 10 000 experiments (issue 13): the first
// page, a name search, a status filter and a tag filter, each
//   - through the protocol (experiment.list over the in-memory transport to a real worker),
//     next to the same page read from the store directly (the SQL floor), p50/p99;
//   - as a command, `trainwire experiments list --data-dir DIR --json`, next to
//     `trainwire --help` (the floor any command pays to start), median.
//   - next to a worker.info round trip over the same link (the protocol's floor).
// Writes bench/results/experiments-list.json. Options (env): EXPERIMENTS (10000), CALLS (200).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Experiments, RpcPeer } from '@trainwire/core';
import { createMemoryTransportPair } from '@trainwire/core/testing';
import { createWorker, ExperimentStore, openDatabase } from '@trainwire/worker';
import { positiveIntEnv } from '../env.mjs';
import { median, percentiles, writeResults } from '../lib/results.mjs';

const BIN = fileURLToPath(new URL('../../packages/cli/bin/trainwire.js', import.meta.url));
const COUNT = positiveIntEnv('EXPERIMENTS', 10_000);
const CALLS = positiveIntEnv('CALLS', 200);
const STATUSES = ['completed', 'failed', 'cancelled', 'completed', 'created'];

const dir = mkdtempSync(join(tmpdir(), 'tw-bench-exp-'));
const dataDir = join(dir, 'worker');
try {
  // A migrated store, then the experiments written straight into it in one transaction.
  await (await createWorker({ dataDir, name: 'local-worker' })).close();
  const db = openDatabase(join(dataDir, 'worker.sqlite'));
  let clock = Date.parse('2026-01-01T00:00:00Z');
  const store = new ExperimentStore(db, () => (clock += 1_000));
  const seeding = performance.now();
  db.exec('BEGIN');
  for (let i = 0; i < COUNT; i++) {
    store.create({
      id: `exp-${i.toString().padStart(6, '0')}`,
      name: `mouse pose ${i}`,
      config: { epochs: 10 + (i % 50), learningRate: 0.01, batchSize: 32 },
      status: STATUSES[i % STATUSES.length],
      tags: i % 10 === 0 ? ['baseline', `week-${i % 52}`] : [`week-${i % 52}`],
      ...(i > 0 && i % 7 === 0
        ? { parentId: `exp-${(i - 1).toString().padStart(6, '0')}`, relation: 'continue' }
        : {}),
    });
  }
  db.exec('COMMIT');
  const seedMs = performance.now() - seeding;
  const QUERIES = {
    'first page': {},
    'name search': { name: 'pose 4242' },
    'status failed': { status: 'failed' },
    'tag baseline': { tag: 'baseline' },
  };

  // The SQL floor: the store's own page query, in this process.
  const direct = {};
  for (const [label, filter] of Object.entries(QUERIES)) {
    const samples = [];
    for (let i = 0; i < CALLS; i++) {
      const start = performance.now();
      store.page({ ...filter, offset: 0, limit: 50 });
      samples.push(performance.now() - start);
    }
    direct[label] = percentiles(samples);
  }
  db.close();

  // Through the protocol: a real worker on that store, over the in-memory transport.
  const worker = await createWorker({ dataDir, name: 'local-worker' });
  const [client, server] = createMemoryTransportPair();
  worker.accept(server);
  await Promise.all([client.connect(), server.connect()]);
  const peer = new RpcPeer(client);
  const experiments = new Experiments(peer);
  // The protocol's floor: a round trip of the smallest request.
  const pings = [];
  for (let i = 0; i < CALLS; i++) {
    const start = performance.now();
    await peer.request('worker.info', {});
    pings.push(performance.now() - start);
  }
  const ping = percentiles(pings);
  const rpc = {};
  let total;
  for (const [label, filter] of Object.entries(QUERIES)) {
    const samples = [];
    for (let i = 0; i < CALLS; i++) {
      const start = performance.now();
      const page = await experiments.list({ ...filter, limit: 50 });
      samples.push(performance.now() - start);
      if (label === 'first page') total = page.total;
    }
    rpc[label] = percentiles(samples);
  }
  if (total !== COUNT) throw new Error(`experiment.list counted ${total}, not ${COUNT}`);
  await client.close();
  await worker.close();

  // As a command: a new process each time, opening the store itself.
  const run = (args) => {
    const start = performance.now();
    const result = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
    if (result.status !== 0)
      throw new Error(`trainwire ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
    return { ms: performance.now() - start, lines: result.stdout.trim().split('\n').length };
  };
  const help = [];
  const cli = [];
  for (let i = 0; i < 5; i++) {
    help.push(run(['--help']).ms);
    const listed = run(['experiments', 'list', '--data-dir', dir, '--json']);
    if (listed.lines !== 50) throw new Error(`experiments list printed ${listed.lines} rows`);
    cli.push(listed.ms);
  }

  const ms = (n) => `${n.toFixed(2)} ms`;
  console.log(
    `${COUNT} experiments seeded in ${(seedMs / 1000).toFixed(1)} s; ${CALLS} calls each`,
  );
  console.log(
    `worker.info round trip (the protocol's floor): p50 ${ms(ping.p50)}, p99 ${ms(ping.p99)}`,
  );
  console.log('query          | store p50 / p99      | experiment.list p50 / p99 | ratio p50');
  for (const label of Object.keys(QUERIES)) {
    const d = direct[label];
    const r = rpc[label];
    console.log(
      `${label.padEnd(14)} | ${ms(d.p50).padStart(9)} / ${ms(d.p99).padStart(9)} | ${ms(r.p50).padStart(11)} / ${ms(r.p99).padStart(11)} | ${(r.p50 / d.p50).toFixed(1)}x`,
    );
  }
  console.log(
    `trainwire experiments list --data-dir (new process): ${median(cli).toFixed(0)} ms, next to trainwire --help ${median(help).toFixed(0)} ms (${(median(cli) / median(help)).toFixed(2)}x)`,
  );
  writeResults('experiments-list', {
    experiments: COUNT,
    calls: CALLS,
    seedMs,
    store: direct,
    protocol: rpc,
    workerInfoRoundTrip: ping,
    cliMs: median(cli),
    helpMs: median(help),
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
