import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createJobManager,
  fetchPredictions,
  type JobEvent,
  predictionsOf,
  submitPredict,
} from '@trainwire/core';
import { createMemoryTransportPair } from '@trainwire/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { fileTarget } from './__tests__/fileTarget.js';
import { isDead, tempDir, until } from './__tests__/helpers.js';
import { closeWorkersAfterEach, finalState, startWorker } from './__tests__/workerHarness.js';

const workers = closeWorkersAfterEach();
const disposers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const dispose of disposers.splice(0)) await dispose();
});

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const train = {
  epochs: 3,
  hiddenLayers: [8],
  dataset: { synthetic: { samples: 300, features: 2, classes: 3 } },
};

async function setup(config: object = {}) {
  const dataDir = tempDir();
  const data = tempDir('tw-data-');
  const started = await startWorker({
    dataDir,
    cancelGraceMs: 2_000,
    mounts: [{ name: 'data', path: data, readOnly: false }],
    ...config,
  });
  workers.push(started.worker);
  const [client, workerEnd] = createMemoryTransportPair();
  started.worker.accept(workerEnd);
  await Promise.all([client.connect(), workerEnd.connect()]);
  const owned = createJobManager(client);
  disposers.push(async () => {
    owned.dispose();
    await client.close();
  });
  return { ...started, dataDir, data, manager: owned.manager };
}

/** Trains a quick built-in model registered as `spirals`. */
async function trainModel(client: Awaited<ReturnType<typeof setup>>['client'], events: JobEvent[]) {
  await client.request('job.start', {
    jobId: 't1',
    spec: { profile: 'builtin', name: 'spirals', config: train },
  });
  expect((await finalState(events, 't1')).state).toBe('completed');
}

describe('predict jobs with the built-in trainer', () => {
  it('predicts on the model just trained: one prediction per input row, fetched with a matching SHA-256', async () => {
    const { client, events, data, manager, worker } = await setup();
    await trainModel(client, events);
    const rows = Array.from({ length: 57 }, (_, n) => `${Math.cos(n)},${Math.sin(n)},${n % 3}`);
    const input = join(data, 'points.csv');
    writeFileSync(input, `x0,x1,label\n${rows.join('\n')}\n`);
    const session = submitPredict(manager, {
      profile: 'builtin',
      model: { name: 'spirals' },
      input,
      jobId: 'pr1',
    });
    const out = join(data, 'fetched.jsonl');
    const fetched = await fetchPredictions(session, manager.peerFor(), fileTarget(out));
    const final = session.getSnapshot();
    expect(final.state).toBe('completed');
    expect(final.items).toMatchObject({ done: 57, total: 57, etaMs: 0 });
    const registered = predictionsOf(final)!;
    expect(registered).toMatchObject({ id: 'pr1:predictions', kind: 'predictions', jobId: 'pr1' });
    expect(worker.artifacts.get(registered.id)?.sha256).toBe(registered.sha256);
    const bytes = readFileSync(out);
    expect(sha256(bytes)).toBe(registered.sha256);
    expect(fetched).toMatchObject({ skipped: false, partial: false, bytes: bytes.length });
    const lines = bytes
      .toString('utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(57);
    expect(lines.map((l) => l.index)).toEqual(rows.map((_, n) => n));
    // Its experiment says it was a prediction (no Resume or Retry in the views).
    const { experiment } = await client.request('experiment.get', { experimentId: 'pr1' });
    expect(experiment.tags).toContain('predict');
    for (const line of lines) {
      expect(['0', '1', '2']).toContain(line.label);
      expect(line.probabilities).toHaveLength(3);
      expect(line.probabilities.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 4);
    }
  });

  it('predicts on items without labels (a CSV of the model\'s features only, a JSONL without "y"), and refuses a CSV of another width', async () => {
    const { client, events, data, manager } = await setup();
    await trainModel(client, events);
    const csv = join(data, 'unlabelled.csv');
    writeFileSync(
      csv,
      `x0,x1\n${Array.from({ length: 9 }, (_, n) => `${n / 9},${-n / 9}`).join('\n')}\n`,
    );
    const jsonl = join(data, 'unlabelled.jsonl');
    writeFileSync(
      jsonl,
      `${Array.from({ length: 4 }, (_, n) => JSON.stringify({ x: [n, 1 - n] })).join('\n')}\n`,
    );
    for (const [input, count] of [
      [csv, 9],
      [jsonl, 4],
    ] as const) {
      const session = submitPredict(manager, {
        profile: 'builtin',
        model: { name: 'spirals' },
        input,
      });
      const out = join(data, `${count}.jsonl`);
      await fetchPredictions(session, manager.peerFor(), fileTarget(out));
      const lines = readFileSync(out, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(lines).toHaveLength(count);
      expect(lines.every((l) => l.given === undefined && typeof l.label === 'string')).toBe(true);
    }
    const wide = join(data, 'wide.csv');
    writeFileSync(wide, 'a,b,c,d\n1,2,3,4\n');
    const session = submitPredict(manager, {
      profile: 'builtin',
      model: { name: 'spirals' },
      input: wide,
    });
    const final = await session.done;
    expect(final.state).toBe('failed');
    expect(final.error?.message ?? '').toMatch(/trainer/);
    const logs = final.logs.map((l) => l.line).join('\n');
    expect(logs).toMatch(/wide\.csv has 4 columns; the model takes 2 feature\(s\)/);
  });

  it('accepts an uploaded input, a model by artifact id, and refuses what cannot be predicted with', async () => {
    const { client, events, data, manager } = await setup();
    await trainModel(client, events);
    const csv = Buffer.from(`x0,x1,label\n0.1,0.2,0\n0.3,-0.5,1\n-0.4,0.1,2\n`);
    const session = submitPredict(manager, {
      profile: 'builtin',
      model: { artifactId: 't1:model' },
      upload: {
        name: 'three.csv',
        size: csv.length,
        sha256: sha256(csv),
        read: async function* (offset: number) {
          yield new Uint8Array(csv.subarray(offset));
        },
      },
      jobId: 'pr2',
    });
    const out = join(data, 'three.jsonl');
    await fetchPredictions(session, manager.peerFor(), fileTarget(out));
    expect(readFileSync(out, 'utf8').trim().split('\n')).toHaveLength(3);
    await expect(
      client.request('job.start', {
        jobId: 'bad1',
        spec: { profile: 'builtin', predict: { model: { name: 'nope' } } },
      }),
    ).rejects.toMatchObject({ code: 'unknown_model' });
    await expect(
      client.request('job.start', {
        jobId: 'bad2',
        spec: { profile: 'generate-dataset', predict: { model: { artifactId: 't1:model' } } },
      }),
    ).rejects.toMatchObject({
      code: 'config_invalid',
      message: expect.stringContaining('profiles that can: builtin'),
    });
    await expect(
      client.request('job.start', {
        jobId: 'bad3',
        spec: { profile: 'builtin', predict: { model: { artifactId: 'zzz' } } },
      }),
    ).rejects.toMatchObject({ code: 'unknown_artifact' });
  });

  it('a trainer that exits 0 without its predictions fails the job, naming where they were expected', async () => {
    const { client, events, dataDir } = await setup({
      profiles: [
        {
          id: 'lazy',
          command: ['true'],
          predictCommand: ['sh', '-c', 'echo "predicting $TRAINWIRE_MODEL"'],
        },
      ],
    });
    await trainModel(client, events);
    await client.request('job.start', {
      jobId: 'pr5',
      spec: { profile: 'lazy', predict: { model: { name: 'spirals' } } },
    });
    const end = await finalState(events, 'pr5');
    expect(end).toMatchObject({
      state: 'failed',
      error: {
        code: 'trainer_failed',
        message: expect.stringContaining(join(dataDir, 'runs', 'pr5', 'predictions.jsonl')),
        details: { lastLines: [expect.stringMatching(/^predicting \/.*best\.json$/)] },
      },
    });
  });

  it('stop keeps the predictions made so far (completed, stopped early); cancel leaves no process', async () => {
    const { client, events, manager, data } = await setup();
    await trainModel(client, events);
    const big = { dataset: { synthetic: { samples: 3_000_000, features: 2, classes: 3 } } };
    const session = submitPredict(manager, {
      profile: 'builtin',
      model: { name: 'spirals' },
      config: big,
      jobId: 'pr3',
    });
    await until(
      () => (session.getSnapshot().items?.done ?? 0) > 0,
      'the first predictions',
      60_000,
    );
    await session.stop();
    const out = join(data, 'partial.jsonl');
    const fetched = await fetchPredictions(session, manager.peerFor(), fileTarget(out));
    const final = session.getSnapshot();
    expect(final.error).toBeNull();
    expect(fetched.partial).toBe(true);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines.length).toBe(final.items!.done);
    expect(lines.length).toBeLessThan(3_000_000);
    expect(final.items!.ratePerSec).toBeGreaterThan(0);

    await client.request('job.start', {
      jobId: 'pr4',
      spec: { profile: 'builtin', predict: { model: { name: 'spirals' } }, config: big },
    });
    await until(
      () =>
        events.some(
          (e) => e.jobId === 'pr4' && e.type === 'progress' && e.progress.event === 'batch_end',
        ),
      'predictions of pr4',
      60_000,
    );
    const pid = workers[0]!.trainerPid('pr4')!;
    await client.request('job.cancel', { jobId: 'pr4' });
    expect((await finalState(events, 'pr4')).state).toBe('cancelled');
    expect(isDead(pid)).toBe(true);
    expect(() => process.kill(-pid, 0)).toThrow();
  });
});
