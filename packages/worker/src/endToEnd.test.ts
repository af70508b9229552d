import { readFileSync } from 'node:fs';
import { JobManager, registerCore, TRANSPORT } from '@trainwire/core';
import { createMemoryTransportPair } from '@trainwire/core/testing';
import { container } from 'tsyringe';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanTempDirs, requireDist, TRAINER_MAIN, tempDir } from './__tests__/helpers.js';
import { noGpu } from './__tests__/workerHarness.js';
import { createWorker } from './createWorker.js';

beforeAll(requireDist);
const disposers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const dispose of disposers.splice(0)) await dispose();
  cleanTempDirs();
});

async function setup() {
  const dataDir = tempDir();
  const worker = await createWorker(
    { dataDir },
    { runCommand: noGpu, builtinTrainer: TRAINER_MAIN },
  );
  const [client, workerEnd] = createMemoryTransportPair();
  worker.accept(workerEnd);
  await Promise.all([client.connect(), workerEnd.connect()]);
  const scope = container.createChildContainer();
  registerCore(scope);
  scope.register(TRANSPORT, { useValue: client });
  const manager = scope.resolve(JobManager);
  disposers.push(async () => {
    await worker.close();
    await client.close();
    scope.dispose();
  });
  return { worker, manager, dataDir };
}

describe('core JobManager → MemoryTransport → worker → real trainer', () => {
  it('trains the built-in model end to end and the client sees every epoch', async () => {
    const { manager } = await setup();
    const session = manager.submit({
      profile: 'builtin',
      config: { epochs: 5, dataset: { synthetic: { samples: 600 } } },
      name: 'spirals',
    });
    const final = await session.done;
    expect(final.state).toBe('completed');
    expect(final.progress.history.map((e) => e.epoch)).toEqual([0, 1, 2, 3, 4]);
    const losses = final.progress.history.map((e) => e.logs['val/loss'] as number);
    expect(losses.at(-1)).toBeLessThan(losses[0]!);
    expect(final.artifacts.some((a) => a.kind === 'model')).toBe(true);
    expect(final.logs.some((l) => l.line.startsWith('finished after epoch 5/5'))).toBe(true);
  });

  it('generates a dataset, then trains on it as an input', async () => {
    const { manager, worker } = await setup();
    const made = await manager.submit({
      profile: 'generate-dataset',
      config: { name: 'blobs', samples: 300, noise: 0.2, seed: 3 },
    }).done;
    expect(made.state).toBe('completed');
    const dataset = made.artifacts.find((a) => a.kind === 'dataset')!;
    expect(dataset.path).toMatch(/datasets\/blobs\.csv$/);
    expect(readFileSync(dataset.path, 'utf8').split('\n')[0]).toBe('x0,x1,label');

    const again = await manager.submit({
      profile: 'generate-dataset',
      config: { name: 'blobs', samples: 300 },
    }).done;
    // Refused before anything runs: the dataset is kept, the error says how to replace it.
    expect(again.state).toBe('failed');
    expect(again.error).toMatchObject({
      code: 'dataset_exists',
      details: { name: 'blobs', path: dataset.path },
    });
    expect(again.error?.message).toContain('overwrite: true');

    const trained = await manager.submit({
      profile: 'builtin',
      config: { epochs: 2 },
      inputs: { dataset: dataset.path },
    }).done;
    expect(trained.state).toBe('completed');
    // The refused job never ran, so it left no experiment behind.
    expect(worker.experiments.list().map((e) => e.status)).toEqual(['completed', 'completed']);
  });

  it('refuses inputs outside the mounts, naming the path', async () => {
    const { manager } = await setup();
    const final = await manager.submit({
      profile: 'builtin',
      config: { epochs: 1 },
      inputs: { dataset: '/etc/passwd' },
    }).done;
    expect(final.state).toBe('failed');
    expect(final.error?.message).toMatch(/\/etc\/passwd/);
  });
});

describe('browsing the worker over the protocol', () => {
  it('lists mounts, pages a folder and finds a file by name, inside the mounts only', async () => {
    const { manager, dataDir } = await setup();
    const { mkdirSync, writeFileSync } = await import('node:fs');
    mkdirSync(`${dataDir}/datasets/deep/er`, { recursive: true });
    writeFileSync(`${dataDir}/datasets/deep/er/labels.slp`, 'x'.repeat(42));
    const peer = manager.peerFor();
    const { mounts } = await peer.request('mounts.list', {});
    expect(mounts.map((m) => m.name)).toEqual(
      expect.arrayContaining(['datasets', 'uploads', 'runs']),
    );
    const datasets = mounts.find((m) => m.name === 'datasets')!;
    const page = await peer.request('paths.list', { path: `${datasets.path}/deep` });
    expect(page.entries.map((e) => [e.name, e.kind])).toEqual([['er', 'directory']]);
    const { results } = await peer.request('paths.find', { name: 'labels.slp' });
    expect(results).toEqual([{ path: expect.stringMatching(/deep\/er\/labels\.slp$/), size: 42 }]);
    await expect(peer.request('paths.list', { path: '/etc' })).rejects.toMatchObject({
      message: expect.stringContaining('/etc'),
    });
  });
});

describe('getting files back', () => {
  it('downloads a model over a byte stream, resumes from an offset, and refuses paths outside the mounts', async () => {
    const { manager } = await setup();
    const final = await manager.submit({
      profile: 'builtin',
      config: { epochs: 2, dataset: { synthetic: { samples: 300 } } },
    }).done;
    const model = final.artifacts.find((a) => a.kind === 'model')!;
    const { createHash } = await import('node:crypto');
    const { downloadFile } = await import('@trainwire/core');
    const { lastValueFrom, toArray } = await import('rxjs');
    const whole = await downloadFile(manager.peerFor(), model.path);
    const bytes = Buffer.concat(await lastValueFrom(whole.chunks$.pipe(toArray())));
    expect(bytes.length).toBe(whole.size);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(whole.sha256);
    expect(bytes.equals(readFileSync(model.path))).toBe(true);

    const rest = await downloadFile(manager.peerFor(), model.path, 100);
    const tail = Buffer.concat(await lastValueFrom(rest.chunks$.pipe(toArray())));
    expect(Buffer.concat([bytes.subarray(0, 100), tail]).equals(bytes)).toBe(true);

    await expect(downloadFile(manager.peerFor(), '/etc/passwd')).rejects.toMatchObject({
      code: 'path_denied',
    });
  });
});
