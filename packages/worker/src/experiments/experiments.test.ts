import { existsSync } from 'node:fs';
import type { Notice } from '@trainwire/core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanTempDirs, requireDist, tempDir, until } from '../__tests__/helpers.js';
import { finalState, startWorker } from '../__tests__/workerHarness.js';
import type { Worker } from '../Worker.js';

beforeAll(requireDist);
const workers: Worker[] = [];
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.close()));
  cleanTempDirs();
});

const quick = { epochs: 3, dataset: { synthetic: { samples: 300 } } };
const long = { epochs: 10_000, dataset: { synthetic: { samples: 2000 } } };

async function setup(dataDir = tempDir()) {
  const started = await startWorker({ dataDir });
  workers.push(started.worker);
  return { ...started, dataDir };
}

async function closeAll() {
  await Promise.all(workers.splice(0).map((w) => w.close()));
}

describe('experiments, lineage and the model registry on a real SQLite store', () => {
  it('keeps experiments, lineage and the active model across a worker restart', async () => {
    const { client, events, dataDir, connect } = await setup();
    await client.request('job.start', {
      jobId: 'j1',
      spec: { profile: 'builtin', config: quick, name: 'first run' },
    });
    expect((await finalState(events, 'j1')).state).toBe('completed');

    // A job without an experiment made one named after it, with its id.
    const first = (await client.request('experiment.get', { experimentId: 'j1' })).experiment;
    expect(first).toMatchObject({ id: 'j1', name: 'first run', status: 'completed', jobId: 'j1' });
    expect(first.finishedAt).toBeGreaterThan(0);
    expect(Object.keys(first.finalMetrics ?? {})).toContain('train/loss');

    // Continue: a child that starts from the parent's last checkpoint, run in its own job.
    const child = (
      await client.request('experiment.continue', {
        experimentId: 'e-child',
        parentId: 'j1',
        name: 'more epochs',
      })
    ).experiment;
    expect(child).toMatchObject({ parentId: 'j1', relation: 'continue', status: 'created' });
    expect(child.checkpointSource).toMatch(/runs[\\/]j1[\\/]/);
    await client.request('job.start', {
      jobId: 'j2',
      spec: { profile: 'builtin', config: quick, experimentId: 'e-child' },
    });
    expect((await finalState(events, 'j2')).state).toBe('completed');
    const shown = await client.request('experiment.get', { experimentId: 'e-child' });
    expect(shown.experiment).toMatchObject({ status: 'completed', jobId: 'j2' });
    expect(shown.jobIds).toEqual(['j2']);
    expect(shown.artifacts.length).toBeGreaterThan(0);
    expect(shown.artifacts.every((a) => a.experimentId === 'e-child')).toBe(true);

    // Retry of a cancelled one; a completed one is not retried.
    await client.request('job.start', { jobId: 'j3', spec: { profile: 'builtin', config: long } });
    await until(() => events.some((e) => e.jobId === 'j3' && e.type === 'progress'), 'j3 to run');
    await expect(client.request('experiment.delete', { experimentId: 'j3' })).rejects.toMatchObject(
      { code: 'experiment_running', details: { jobId: 'j3' } },
    );
    await expect(
      client.request('job.start', {
        jobId: 'j3b',
        spec: { profile: 'builtin', config: quick, experimentId: 'j3' },
      }),
    ).rejects.toMatchObject({ code: 'experiment_running' });
    await client.request('job.cancel', { jobId: 'j3' });
    expect((await finalState(events, 'j3')).state).toBe('cancelled');
    const retry = (await client.request('experiment.retry', { experimentId: 'e-retry', of: 'j3' }))
      .experiment;
    expect(retry).toMatchObject({ parentId: 'j3', relation: 'retry', config: long });
    await expect(
      client.request('experiment.retry', { experimentId: 'e-nope', of: 'j1' }),
    ).rejects.toMatchObject({ code: 'experiment_state', details: { status: 'completed' } });
    // Retried after a lost answer: the same experiment, not a second one.
    await expect(
      client.request('experiment.retry', { experimentId: 'e-retry', of: 'j3' }),
    ).resolves.toMatchObject({ experiment: { id: 'e-retry' } });
    await client.request('experiment.continue', { experimentId: 'e-grand', parentId: 'e-child' });

    // The whole tree from any of its nodes.
    const lineage = await client.request('experiment.lineage', { experimentId: 'e-grand' });
    expect(lineage.rootId).toBe('j1');
    expect(lineage.nodes.map((n) => [n.id, n.parentId ?? null])).toEqual([
      ['j1', null],
      ['e-child', 'j1'],
      ['e-grand', 'e-child'],
    ]);
    await expect(client.request('experiment.delete', { experimentId: 'j1' })).rejects.toMatchObject(
      { code: 'experiment_in_use', details: { children: ['e-child'] } },
    );

    // The registry: versions by name, the active one pushed to subscribers.
    const watcher = await connect();
    const notices: Notice[] = [];
    watcher.notices$.subscribe((n) => notices.push(n));
    const before = await watcher.request('model.subscribe', {});
    // Each job registered its model under its run's name (or its profile's).
    expect(before.active.map((m) => m.name).sort()).toEqual(['builtin', 'first run']);
    const v1 = (await client.request('model.register', { name: 'pose', experimentId: 'j1' })).model;
    expect(v1).toMatchObject({ name: 'pose', version: 1, active: false, experimentId: 'j1' });
    const v2 = (
      await client.request('model.register', {
        name: 'pose',
        experimentId: 'e-child',
        activate: true,
      })
    ).model;
    expect(v2).toMatchObject({ version: 2, active: true, experimentId: 'e-child' });
    expect(v2.artifact?.sha256).toMatch(/^[0-9a-f]{64}$/);
    await until(() => notices.length === 1, 'the model.activated notice');
    expect(notices[0]).toMatchObject({
      type: 'model.activated',
      model: { name: 'pose', version: 2 },
    });
    await expect(
      client.request('model.register', { name: 'pose', experimentId: 'e-child' }),
    ).resolves.toMatchObject({ model: { version: 2 } });
    await expect(
      client.request('model.register', { name: 'pose', experimentId: 'j3' }),
    ).rejects.toMatchObject({ code: 'experiment_state', details: { status: 'cancelled' } });
    await expect(
      client.request('model.delete', { name: 'pose', version: 2 }),
    ).rejects.toMatchObject({ code: 'model_active' });
    const active = await client.request('model.activate', { name: 'pose', version: 1 });
    expect(active.model.active).toBe(true);
    await until(() => notices.length === 2, 'the second notice');
    expect(notices[1]).toMatchObject({ model: { version: 1 }, previousVersion: 2 });
    await client.request('model.activate', { name: 'pose', version: 1 });
    await expect(
      client.request('model.activate', { name: 'pose', version: 9 }),
    ).rejects.toMatchObject({ code: 'unknown_model' });

    // Nothing lost when the worker restarts on the same data dir.
    await closeAll();
    const again = await setup(dataDir);
    const list = await again.client.request('experiment.list', {});
    expect(list.experiments.map((e) => e.id)).toEqual([
      'e-grand',
      'e-retry',
      'j3',
      'e-child',
      'j1',
    ]);
    expect(list.total).toBe(5);
    expect(
      (await again.client.request('experiment.lineage', { experimentId: 'j1' })).nodes,
    ).toHaveLength(3);
    const models = await again.client.request('model.list', { name: 'pose' });
    expect(models.models.map((m) => [m.version, m.active])).toEqual([
      [2, false],
      [1, true],
    ]);
    expect(notices).toHaveLength(2);
  }, 120_000);

  it('a finished job makes its model the active version and every subscriber hears model.activated', async () => {
    const { client, events } = await setup();
    const notices: Notice[] = [];
    client.notices$.subscribe((n) => notices.push(n));
    await client.request('model.subscribe', {});
    for (const jobId of ['r1', 'r2']) {
      await client.request('job.start', {
        jobId,
        spec: { profile: 'builtin', config: quick, name: 'nightly' },
      });
      expect((await finalState(events, jobId)).state).toBe('completed');
    }
    await until(() => notices.length === 2, 'a model.activated notice per finished job');
    expect(notices[0]).toMatchObject({
      type: 'model.activated',
      model: { name: 'nightly', version: 1, active: true, experimentId: 'r1' },
    });
    expect(notices[0]).not.toHaveProperty('previousVersion');
    expect(notices[1]).toMatchObject({
      model: { name: 'nightly', version: 2, active: true },
      previousVersion: 1,
    });
  }, 60_000);

  it('lists with filters and pages, renames, tags, and deletes with or without artifacts', async () => {
    const { client, events, worker } = await setup();
    for (const [i, name] of ['Alpha mouse', 'beta fly', 'gamma Mouse'].entries()) {
      await client.request('experiment.create', {
        experimentId: `e${i}`,
        name,
        tags: i === 1 ? ['fly'] : ['mouse'],
      });
    }
    await expect(
      client.request('experiment.create', { experimentId: 'e0', name: 'other' }),
    ).rejects.toMatchObject({ code: 'experiment_conflict' });
    const byName = await client.request('experiment.list', { name: 'MOUSE' });
    expect(byName.experiments.map((e) => e.id)).toEqual(['e2', 'e0']);
    const byTag = await client.request('experiment.list', { tag: 'fly' });
    expect(byTag.experiments.map((e) => e.id)).toEqual(['e1']);
    const page1 = await client.request('experiment.list', { limit: 2 });
    expect(page1).toMatchObject({ total: 3, nextOffset: 2 });
    const page2 = await client.request('experiment.list', { limit: 2, offset: 2 });
    expect(page2.experiments.map((e) => e.id)).toEqual(['e0']);
    expect(page2.nextOffset).toBeUndefined();
    expect((await client.request('experiment.list', { status: 'completed' })).total).toBe(0);

    expect(
      (await client.request('experiment.rename', { experimentId: 'e1', name: 'beta 2' })).experiment
        .name,
    ).toBe('beta 2');
    const tagged = await client.request('experiment.tag', {
      experimentId: 'e1',
      add: ['v2', 'fly'],
      remove: ['fly'],
    });
    expect(tagged.experiment.tags).toEqual(['v2']);
    await expect(
      client.request('experiment.tag', { experimentId: 'e1', add: ['two words'] }),
    ).rejects.toMatchObject({ code: 'bad_params' });
    await expect(
      client.request('experiment.rename', { experimentId: 'missing', name: 'x' }),
    ).rejects.toMatchObject({ code: 'unknown_experiment', details: { experimentId: 'missing' } });

    // A run in e0, deleted with its artifacts: rows and files go.
    await client.request('job.start', {
      jobId: 'j-e0',
      spec: { profile: 'builtin', config: quick, experimentId: 'e0' },
    });
    expect((await finalState(events, 'j-e0')).state).toBe('completed');
    const { artifacts } = await client.request('experiment.get', { experimentId: 'e0' });
    const file = artifacts.find((a) => a.kind === 'checkpoint')!.path;
    expect(existsSync(file)).toBe(true);
    // Its model, registered by the job under the profile's name, holds the artifacts.
    await expect(
      client.request('experiment.delete', { experimentId: 'e0', withArtifacts: true }),
    ).rejects.toMatchObject({ code: 'experiment_in_use', details: { models: ['builtin@1'] } });
    await client.request('experiment.create', { experimentId: 'other', name: 'o' });
    // Deleting without artifacts keeps them (and the model), unlinked.
    const kept = await client.request('experiment.delete', { experimentId: 'e0' });
    expect(kept).toEqual({ experimentId: 'e0', jobsDeleted: 1, artifactsDeleted: 0 });
    expect(existsSync(file)).toBe(true);
    expect(worker.jobs.getJob('j-e0')).toBeUndefined();
    await expect(client.request('experiment.get', { experimentId: 'e0' })).rejects.toMatchObject({
      code: 'unknown_experiment',
    });

    await client.request('job.start', {
      jobId: 'j-e1',
      spec: { profile: 'builtin', config: quick, experimentId: 'e1' },
    });
    expect((await finalState(events, 'j-e1')).state).toBe('completed');
    const models = await client.request('model.list', { name: 'builtin' });
    await client.request('model.activate', { name: 'builtin', version: 1 });
    await client.request('model.delete', { name: 'builtin', version: models.models[0]!.version });
    const e1 = await client.request('experiment.get', { experimentId: 'e1' });
    const gone = await client.request('experiment.delete', {
      experimentId: 'e1',
      withArtifacts: true,
    });
    expect(gone.artifactsDeleted).toBe(e1.artifacts.length);
    for (const a of e1.artifacts) expect(existsSync(a.path), a.path).toBe(false);
  }, 120_000);
});
