import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { type Artifact, isFinalJobState, type RpcPeer } from '@trainwire/core';
import { describe, expect, it } from 'vitest';
import { tempDir, until } from '../__tests__/helpers.js';
import { closeWorkersAfterEach, finalState, startWorker } from '../__tests__/workerHarness.js';

const workers = closeWorkersAfterEach();

// Small enough to end in about a second; the same layers and dataset shape, so one run's
// checkpoint is a base model for another.
const quick = {
  epochs: 2,
  batchSize: 64,
  hiddenLayers: [8],
  dataset: { synthetic: { samples: 300, features: 2, classes: 2 } },
};
const long = { ...quick, epochs: 10_000 };

async function setup(dataDir = tempDir()) {
  const started = await startWorker({ dataDir });
  workers.push(started.worker);
  return { ...started, dataDir };
}

async function artifactsOf(client: RpcPeer, experimentId: string): Promise<Artifact[]> {
  return (await client.request('artifact.list', { experimentId, limit: 500 })).artifacts;
}

describe('artifacts, on a real SQLite store', () => {
  it('lists newest first and paged, renames the file atomically, refuses what is in use, and fine-tunes from a registered model', async () => {
    const { client, events, dataDir, worker } = await setup();
    await client.request('job.start', {
      jobId: 'j1',
      spec: { profile: 'builtin', config: quick, name: 'base' },
    });
    expect((await finalState(events, 'j1')).state).toBe('completed');

    // Listing: newest first, filtered by experiment and kind, paged like experiment.list.
    const all = await artifactsOf(client, 'j1');
    expect(all.length).toBeGreaterThanOrEqual(4); // epoch-0001, epoch-0002, best, last + model
    const stamps = all.map((a) => a.createdAt ?? -1);
    expect(stamps).toEqual([...stamps].sort((a, b) => b - a));
    expect(all.every((a) => a.experimentId === 'j1' && a.jobId === 'j1')).toBe(true);
    const page = await client.request('artifact.list', { experimentId: 'j1', limit: 1 });
    expect(page).toMatchObject({ total: all.length, nextOffset: 1 });
    expect(page.artifacts[0]?.id).toBe(all[0]?.id);
    const models = await client.request('artifact.list', { kind: 'model' });
    expect(models.artifacts.map((a) => a.id)).toEqual(['j1:model']);
    await expect(
      client.request('artifact.list', { kind: 'weights' as never }),
    ).rejects.toMatchObject({ code: 'bad_params' });

    // The job registered its model (under its run's name) and made it active.
    const model = await client.request('artifact.get', { artifactId: 'j1:model' });
    expect(model.models).toEqual([{ name: 'base', version: 1, active: true }]);
    const best = all.find((a) => a.kind === 'checkpoint' && a.label === 'best')!;
    for (const artifactId of ['j1:model', best.id]) {
      await expect(client.request('artifact.delete', { artifactId })).rejects.toMatchObject({
        code: 'artifact_in_use',
        details: { artifactId, uses: [{ use: 'active_model', name: 'base', version: 1 }] },
      });
    }
    const epoch0 = all.find((a) => basename(a.path) === 'epoch-0001.json')!;
    await client.request('model.register', {
      name: 'pose',
      experimentId: 'j1',
      artifactId: epoch0.id,
    });
    await expect(
      client.request('artifact.delete', { artifactId: epoch0.id }),
    ).rejects.toMatchObject({
      code: 'artifact_in_use',
      details: { uses: [{ use: 'model_version', name: 'pose', version: 1 }] },
    });

    // Fine-tune from the registered (not active) version: the trainer starts from its file.
    await expect(
      client.request('job.start', {
        jobId: 'nope',
        spec: { profile: 'builtin', config: quick, fineTune: { model: 'nobody' } },
      }),
    ).rejects.toMatchObject({ code: 'unknown_model', details: { name: 'nobody' } });
    await expect(
      client.request('job.start', {
        jobId: 'nope',
        spec: {
          profile: 'builtin',
          config: quick,
          fineTune: { model: 'base' },
          resume: best.path,
        },
      }),
    ).rejects.toMatchObject({ code: 'config_invalid' });
    await client.request('job.start', {
      jobId: 'j2',
      spec: { profile: 'builtin', config: long, fineTune: { model: 'pose', version: 1 } },
    });
    await until(() => events.some((e) => e.jobId === 'j2' && e.type === 'progress'), 'j2 to run');
    expect(
      events.some(
        (e) => e.jobId === 'j2' && e.type === 'log' && e.line === `fine-tuning from ${epoch0.path}`,
      ),
    ).toBe(true);
    const tuned = (await client.request('experiment.get', { experimentId: 'j2' })).experiment;
    expect(tuned).toMatchObject({
      relation: 'fine-tune',
      parentId: 'j1',
      sourceModel: { name: 'pose', version: 1 },
      checkpointSource: epoch0.path,
    });
    const lineage = await client.request('experiment.lineage', { experimentId: 'j2' });
    expect(lineage.nodes.find((n) => n.id === 'j2')).toMatchObject({
      relation: 'fine-tune',
      sourceModel: { name: 'pose', version: 1 },
    });
    // While it runs, the version it starts from stays, and so do its file and its own files.
    await expect(
      client.request('model.delete', { name: 'pose', version: 1 }),
    ).rejects.toMatchObject({
      code: 'model_in_use',
      details: { name: 'pose', version: 1, jobId: 'j2' },
    });
    await expect(
      client.request('artifact.delete', { artifactId: epoch0.id }),
    ).rejects.toMatchObject({
      code: 'artifact_in_use',
      details: {
        uses: [
          { use: 'model_version', name: 'pose', version: 1 },
          { use: 'fine_tune', name: 'pose', version: 1, jobId: 'j2' },
        ],
      },
    });
    await expect(
      client.request('artifact.rename', { artifactId: epoch0.id, name: 'other.json' }),
    ).rejects.toMatchObject({ code: 'artifact_in_use' });
    await until(() => events.some((e) => e.jobId === 'j2' && e.type === 'artifact'), 'a j2 file');
    const written = (await artifactsOf(client, 'j2'))[0]!;
    await expect(
      client.request('artifact.delete', { artifactId: written.id }),
    ).rejects.toMatchObject({
      code: 'artifact_in_use',
      details: { uses: [{ use: 'running_job', jobId: 'j2' }] },
    });
    await client.request('job.cancel', { jobId: 'j2' });
    expect((await finalState(events, 'j2')).state).toBe('cancelled');
    await client.request('model.delete', { name: 'pose', version: 1 });

    // A continue child starts from j1's last checkpoint: a rename keeps it pointing at the file.
    const child = (
      await client.request('experiment.continue', { experimentId: 'e-child', parentId: 'j1' })
    ).experiment;
    const last = all.find((a) => a.id === `j1:checkpoint:${basename(child.checkpointSource!)}`)!;
    await expect(
      client.request('artifact.rename', { artifactId: last.id, name: 'best.json' }),
    ).rejects.toMatchObject({
      code: 'name_taken',
      details: {
        artifactId: last.id,
        name: 'best.json',
        path: join(dirname(last.path), 'best.json'),
      },
    });
    for (const name of ['../up.json', 'a/b.json', '..', 'spaced name.json']) {
      await expect(
        client.request('artifact.rename', { artifactId: last.id, name }),
      ).rejects.toMatchObject({ code: 'bad_params' });
    }
    const renamed = (
      await client.request('artifact.rename', { artifactId: last.id, name: 'final-base.json' })
    ).artifact;
    expect(renamed).toMatchObject({ id: last.id, sha256: last.sha256, size: last.size });
    expect(renamed.path).toBe(join(dirname(last.path), 'final-base.json'));
    expect(existsSync(renamed.path)).toBe(true);
    expect(existsSync(last.path)).toBe(false);
    // A retry after a lost answer gets the same answer.
    await expect(
      client.request('artifact.rename', { artifactId: last.id, name: 'final-base.json' }),
    ).resolves.toMatchObject({ artifact: { path: renamed.path } });
    expect(
      (await client.request('experiment.get', { experimentId: 'e-child' })).experiment
        .checkpointSource,
    ).toBe(renamed.path);
    // The model's record (it shares best's file) follows a rename of that file too.
    await expect(
      client.request('artifact.rename', { artifactId: best.id, name: 'base-model.json' }),
    ).resolves.toMatchObject({ artifact: { path: join(dirname(best.path), 'base-model.json') } });
    const active = (await client.request('model.list', { name: 'base' })).models[0]!;
    expect(active.artifact?.path).toBe(join(dirname(best.path), 'base-model.json'));

    // Fine-tune from the active version by default, after the rename.
    await client.request('job.start', {
      jobId: 'j3',
      spec: { profile: 'builtin', config: quick, fineTune: { model: 'base' } },
    });
    expect((await finalState(events, 'j3')).state).toBe('completed');
    expect(
      (await client.request('experiment.get', { experimentId: 'j3' })).experiment.sourceModel,
    ).toEqual({ name: 'base', version: 1 });

    // Deleting what nothing needs removes the record and the file; a retry is unknown_artifact.
    const gone = await client.request('artifact.delete', { artifactId: epoch0.id });
    expect(gone).toEqual({ artifactId: epoch0.id, fileDeleted: true });
    expect(existsSync(epoch0.path)).toBe(false);
    await expect(client.request('artifact.get', { artifactId: epoch0.id })).rejects.toMatchObject({
      code: 'unknown_artifact',
      details: { artifactId: epoch0.id },
    });

    // Nothing lost when the worker restarts on the same data dir.
    await worker.close({ flushMs: 50 });
    workers.splice(0);
    const again = await setup(dataDir);
    await expect(
      again.client.request('artifact.get', { artifactId: last.id }),
    ).resolves.toMatchObject({ artifact: { path: renamed.path } });
    const states = (await again.client.request('job.list', {})).jobs.map((j) => j.state);
    expect(states.every(isFinalJobState)).toBe(true);
  }, 60_000);
});
