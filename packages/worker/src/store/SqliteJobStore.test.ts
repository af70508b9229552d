import { join } from 'node:path';
import { JobSpecSchema } from '@trainwire/core';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanTempDirs, tempDir } from '../__tests__/helpers.js';
import { ArtifactStore } from './ArtifactStore.js';
import { ExperimentStore } from './ExperimentStore.js';
import { openDatabase } from './openDatabase.js';
import { SqliteJobStore } from './SqliteJobStore.js';

afterEach(cleanTempDirs);

const spec = JobSpecSchema.parse({ profile: 'builtin', config: { epochs: 3 } });

describe('SqliteJobStore', () => {
  it('keeps jobs and their events across reopening the file', () => {
    const file = join(tempDir(), 'worker.sqlite');
    const db = openDatabase(file);
    const store = new SqliteJobStore(db);
    store.createJob({ jobId: 'j1', spec, state: 'queued', workerId: 'w1', createdAt: 1 });
    store.appendEvent({ jobId: 'j1', seq: 1, ts: 2, type: 'state', state: 'running' });
    store.appendEvent({
      jobId: 'j1',
      seq: 2,
      ts: 3,
      type: 'progress',
      progress: { event: 'epoch_end', epoch: 0, logs: { 'val/loss': Number.NaN } },
    });
    store.updateJob('j1', { state: 'completed', endedAt: 9, exitCode: 0 });
    db.close();

    const reopened = new SqliteJobStore(openDatabase(file));
    expect(reopened.getJob('j1')).toMatchObject({
      jobId: 'j1',
      state: 'completed',
      lastSeq: 2,
      exitCode: 0,
      endedAt: 9,
      spec,
    });
    expect(reopened.eventsAfter('j1', 0).map((e) => e.seq)).toEqual([1, 2]);
    expect(reopened.eventsAfter('j1', 1, 1)).toEqual([]);
    expect(reopened.eventsAfter('j1', 0, 1)).toHaveLength(1);
  });

  it('refuses events out of order and duplicate job ids', () => {
    const store = new SqliteJobStore(openDatabase(join(tempDir(), 'w.sqlite')));
    store.createJob({ jobId: 'j1', spec, state: 'queued', workerId: 'w1', createdAt: 1 });
    expect(() =>
      store.appendEvent({ jobId: 'j1', seq: 2, ts: 1, type: 'state', state: 'running' }),
    ).toThrow(/out of order: the store holds up to 0/);
    expect(() =>
      store.createJob({ jobId: 'j1', spec, state: 'queued', workerId: 'w1', createdAt: 1 }),
    ).toThrow(/exists already/);
    expect(() => store.updateJob('nope', { state: 'failed' })).toThrow(/no job nope/);
  });

  it('keeps experiments with lineage, artifacts and model versions', () => {
    const db = openDatabase(join(tempDir(), 'w.sqlite'));
    const experiments = new ExperimentStore(db);
    const artifacts = new ArtifactStore(db);
    experiments.create({ id: 'e1', name: 'base', config: {}, status: 'completed', tags: [] });
    experiments.create({
      id: 'e2',
      name: 'fine-tune',
      config: { epochs: 2 },
      parentId: 'e1',
      checkpointSource: '/ck/best.json',
      status: 'running',
      tags: ['ft'],
    });
    expect(experiments.lineage('e2').map((e) => e.id)).toEqual(['e1']);
    const a = artifacts.add(
      { kind: 'checkpoint', path: '/ck/best.json', size: 10, experimentId: 'e2', label: 'best' },
      'j1',
    );
    expect(artifacts.listForJob('j1', 'checkpoint')).toEqual([a]);
    expect(artifacts.listForExperiment('e2')).toEqual([a]);
    artifacts.registerModel('spirals', a.id);
    const v2 = artifacts.registerModel('spirals', a.id);
    expect(v2.version).toBe(2);
    expect(artifacts.listModels('spirals').map((m) => [m.version, m.active])).toEqual([
      [2, true],
      [1, false],
    ]);
    artifacts.activateModel('spirals', 1);
    expect(artifacts.listModels('spirals').find((m) => m.active)?.version).toBe(1);
  });
});
