import { existsSync } from 'node:fs';
import { type JobEvent, RpcPeer, type TransportStatus } from '@trainwire/core';
import { createMemoryTransportPair } from '@trainwire/core/testing';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  cleanTempDirs,
  isDead,
  requireDist,
  TRAINER_MAIN,
  tempDir,
  until,
} from './__tests__/helpers.js';
import { killWorkerProcesses, spawnWorker } from './__tests__/spawnWorker.js';
import { noGpu } from './__tests__/workerHarness.js';
import { createWorker } from './createWorker.js';
import type { Worker } from './Worker.js';

beforeAll(requireDist);
const workers: Worker[] = [];
afterEach(async () => {
  killWorkerProcesses();
  await Promise.all(workers.splice(0).map((w) => w.close()));
  cleanTempDirs();
});

const long = { epochs: 10_000, hiddenLayers: [8], dataset: { synthetic: { samples: 400 } } };

describe('a stopping worker tells its clients why', () => {
  it('close({signal}) ends the running job with worker_stopped, its checkpoint and resume command, delivered before the link closes', async () => {
    const worker = await createWorker(
      { dataDir: tempDir(), name: 'w1' },
      { runCommand: noGpu, builtinTrainer: TRAINER_MAIN },
    );
    workers.push(worker);
    // Latency: a final event sent just before the link closes would be lost without the flush.
    const [clientEnd, workerEnd] = createMemoryTransportPair({ latencyMs: 40 });
    worker.accept(workerEnd);
    await Promise.all([clientEnd.connect(), workerEnd.connect()]);
    const client = new RpcPeer(clientEnd);
    const events: JobEvent[] = [];
    client.events$.subscribe((e) => events.push(e));
    const statuses: TransportStatus[] = [];
    clientEnd.status$.subscribe((s) => statuses.push(s));
    await client.request('job.start', { jobId: 'j1', spec: { profile: 'builtin', config: long } });
    await until(
      () => events.some((e) => e.type === 'artifact' && e.artifact.label === 'last'),
      'a checkpoint',
    );
    const trainer = worker.trainerPid('j1')!;

    await worker.close({ signal: 'SIGINT' });
    const end = events.at(-1) as JobEvent & { type: 'state' };
    expect(end).toMatchObject({
      type: 'state',
      state: 'cancelled',
      reason: 'worker stopped',
      error: {
        code: 'worker_stopped',
        message: expect.stringMatching(
          /^the worker w1 was stopped by its operator \(SIGINT\); the job was cancelled after epoch \d+; last checkpoint .*last\.json; resume with: trainwire train --profile builtin --config .*config\.json --resume .*last\.json$/,
        ),
      },
    });
    const details = end.error?.details as Record<string, unknown>;
    expect(details.epoch).toBeGreaterThan(0);
    expect(existsSync(details.lastCheckpoint as string)).toBe(true);
    expect(details.resumeCommand).toEqual(expect.stringContaining('--resume'));
    expect(statuses.at(-1)).toBe('closed');
    expect(isDead(trainer)).toBe(true);
  });

  it('a worker process stopped with SIGTERM ends its job the same way; a client that re-attaches after a restart learns how it ended', async () => {
    const dataDir = tempDir();
    const child = spawnWorker(dataDir, { jobId: 'j2', config: long });
    await child.waitFor(
      (l) => (l.event as { artifact?: { label?: string } })?.artifact?.label === 'last',
      'a checkpoint',
    );
    child.child.kill('SIGTERM');
    expect(await child.exited).toBe(0);
    const end = child.lines.at(-1)?.event as JobEvent & { type: 'state' };
    expect(end).toMatchObject({
      state: 'cancelled',
      error: {
        code: 'worker_stopped',
        message: expect.stringContaining('the worker child was stopped by its operator (SIGTERM)'),
      },
    });

    const worker = await createWorker(
      { dataDir },
      { runCommand: noGpu, builtinTrainer: TRAINER_MAIN },
    );
    workers.push(worker);
    const [clientEnd, workerEnd] = createMemoryTransportPair();
    worker.accept(workerEnd);
    await Promise.all([clientEnd.connect(), workerEnd.connect()]);
    const client = new RpcPeer(clientEnd);
    const attached = await client.request('job.attach', { jobId: 'j2', afterSeq: 0 });
    expect(attached.state).toBe('cancelled');
    const page = await client.request('job.events', { jobId: 'j2', afterSeq: end.seq - 1 });
    expect(page.events).toEqual([end]);
  });

  it('a job that was running when its worker was killed ends "worker restarted" for a client that re-attaches', async () => {
    const dataDir = tempDir();
    const child = spawnWorker(dataDir, { jobId: 'j3', config: long });
    await child.waitFor(
      (l) => (l.event as { progress?: { event?: string } })?.progress?.event === 'epoch_end',
      'an epoch',
    );
    child.child.kill('SIGKILL');
    await child.exited;
    const worker = await createWorker(
      { dataDir, name: 'w3' },
      { runCommand: noGpu, builtinTrainer: TRAINER_MAIN },
    );
    workers.push(worker);
    const [clientEnd, workerEnd] = createMemoryTransportPair();
    worker.accept(workerEnd);
    await Promise.all([clientEnd.connect(), workerEnd.connect()]);
    const client = new RpcPeer(clientEnd);
    const attached = await client.request('job.attach', { jobId: 'j3', afterSeq: 0 });
    expect(attached.state).toBe('failed');
    const { events } = await client.request('job.events', {
      jobId: 'j3',
      afterSeq: attached.lastSeq - 1,
    });
    expect(events[0]).toMatchObject({
      type: 'state',
      state: 'failed',
      reason: 'worker restarted',
      error: {
        code: 'worker_restarted',
        message: expect.stringMatching(
          /^the worker w3 restarted while this job was running .*; the job ended after epoch \d+; last checkpoint .*; resume with: /,
        ),
      },
    });
  });
});
