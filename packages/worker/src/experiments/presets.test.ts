import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describeReadiness, formatEstimate, type TrainingPreset } from '@trainwire/core';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../__tests__/helpers.js';
import { closeWorkersAfterEach, finalState, startWorker } from '../__tests__/workerHarness.js';

const workers = closeWorkersAfterEach();

const quick = {
  epochs: 3,
  batchSize: 64,
  hiddenLayers: [8],
  dataset: { synthetic: { samples: 300, features: 2, classes: 2 } },
};

const byName = (presets: TrainingPreset[]) => Object.fromEntries(presets.map((p) => [p.name, p]));

describe('presets with estimates, and synthetic datasets, on a real SQLite store', () => {
  it('estimates each preset from the epochs of completed jobs, and says so when there are none', async () => {
    // Every reading of the worker's clock moves it on: epochs take time however fast they run.
    let tick = 1_000_000;
    const { worker, client, events } = await startWorker(
      { dataDir: tempDir() },
      {},
      { now: () => (tick += 10) },
    );
    workers.push(worker);
    const before = await client.request('preset.list', { profile: 'builtin' });
    expect(before.presets.map((p) => p.name)).toEqual(['quick', 'standard', 'epic']);
    expect(before.presets.every((p) => 'noHistory' in p.estimate)).toBe(true);
    expect(formatEstimate(before.presets[0]!.estimate)).toBe('no history yet');
    expect(byName(before.presets).standard).toMatchObject({
      epochs: 30,
      datasetSize: { value: 10_000, unit: 'samples' },
      config: { epochs: 30 },
    });
    expect((await client.request('preset.list', { profile: 'pytorch' })).presets).toHaveLength(3);
    expect((await client.request('preset.list', { profile: 'sleap-nn' })).presets).toEqual([]);
    await expect(client.request('preset.list', { profile: 'nope' })).rejects.toMatchObject({
      code: 'unknown_profile',
    });

    // A synthetic dataset job: its file becomes a dataset artifact of its experiment.
    await client.request('dataset.generate', {
      jobId: 'd1',
      name: 'blobs',
      samples: 400,
      diversity: 0.3,
      seed: 1,
    });
    expect((await finalState(events, 'd1')).state).toBe('completed');
    const [dataset] = (await client.request('artifact.list', { kind: 'dataset' })).artifacts;
    const bytes = readFileSync(dataset!.path);
    expect(dataset).toMatchObject({
      kind: 'dataset',
      experimentId: 'd1',
      size: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    });
    expect(bytes.toString('utf8').trim().split('\n')).toHaveLength(401); // header + samples
    await expect(
      client.request('dataset.generate', { jobId: 'd2', name: 'blobs', seed: 2 }),
    ).rejects.toMatchObject({
      code: 'dataset_exists',
      details: { name: 'blobs', path: dataset!.path },
    });
    await client.request('dataset.generate', {
      jobId: 'd3',
      name: 'blobs',
      samples: 200,
      seed: 2,
      overwrite: true,
    });
    expect((await finalState(events, 'd3')).state).toBe('completed');
    const replaced = readFileSync(dataset!.path);
    const records = (await client.request('artifact.list', { kind: 'dataset' })).artifacts;
    expect(records.map((a) => a.experimentId)).toEqual(['d3', 'd1']);
    // Both records of the one file tell its current size and hash.
    expect(new Set(records.map((a) => `${a.size}:${a.sha256}`))).toEqual(
      new Set([`${replaced.length}:${createHash('sha256').update(replaced).digest('hex')}`]),
    );

    // One completed training job: every builtin preset gets an estimate from it.
    await client.request('job.start', { jobId: 'j1', spec: { profile: 'builtin', config: quick } });
    expect((await finalState(events, 'j1')).state).toBe('completed');
    const after = byName((await client.request('preset.list', { profile: 'builtin' })).presets);
    for (const preset of Object.values(after)) {
      expect(preset.estimate).toMatchObject({ basedOnJobs: 1 });
      expect(formatEstimate(preset.estimate)).toMatch(/^about .+ \(from 1 run\)$/);
    }
    const seconds = (name: string) => (after[name]!.estimate as { seconds: number }).seconds;
    expect(seconds('quick')).toBeLessThan(seconds('standard'));
    expect(seconds('standard')).toBeLessThan(seconds('epic'));
    // Scaled by epochs and samples from the one run: the ratio of the presets' sizes.
    const work = (p: TrainingPreset) => p.epochs * p.datasetSize.value;
    expect(seconds('epic') / seconds('standard')).toBeCloseTo(
      work(after.epic!) / work(after.standard!),
      1,
    );
    // The other profiles have no history of their own.
    const pytorch = await client.request('preset.list', { profile: 'pytorch' });
    expect(pytorch.presets.every((p) => 'noHistory' in p.estimate)).toBe(true);
    // Training on a dataset file is measured in bytes: no such run yet.
    const onFile = await client.request('preset.list', {
      profile: 'builtin',
      dataset: dataset!.path,
    });
    expect(onFile.presets[0]).toMatchObject({
      datasetSize: { value: replaced.length, unit: 'bytes' },
      estimate: { noHistory: true },
    });
    await client.request('job.start', {
      jobId: 'j2',
      spec: {
        profile: 'builtin',
        config: { epochs: 2, hiddenLayers: [8] },
        inputs: { dataset: dataset!.path },
      },
    });
    expect((await finalState(events, 'j2')).state).toBe('completed');
    const measured = await client.request('preset.list', {
      profile: 'builtin',
      dataset: dataset!.path,
    });
    expect(measured.presets[0]?.estimate).toMatchObject({ basedOnJobs: 1 });
    await expect(
      client.request('preset.list', { profile: 'builtin', dataset: '/etc/passwd' }),
    ).rejects.toMatchObject({ code: 'path_denied' });
  }, 60_000);

  it('answers readiness per profile with a log, cached until refreshed, and hides the GPU on a CPU-only worker', async () => {
    let clock = 1_000_000;
    const { worker, client } = await startWorker(
      {
        dataDir: tempDir(),
        cpuOnly: true,
        readinessTtlMs: 60_000,
        // Without torch's import (2 s a check): a self-check that reports it missing.
        builtinProfiles: false,
        profiles: [
          { id: 'builtin', command: ['{node}', '{builtinTrainer}', 'train'] },
          {
            id: 'pytorch',
            command: ['{node}', '-e', ''],
            selfCheck: [
              process.execPath,
              '-e',
              'console.log(JSON.stringify({ ok: false, missing: ["torch"] })); process.exit(1)',
            ],
          },
          {
            id: 'checked',
            command: ['{node}', '-e', ''],
            selfCheck: [process.execPath, '-e', 'console.log("all good")'],
          },
          {
            id: 'broken',
            command: ['{node}', '-e', ''],
            selfCheck: [
              process.execPath,
              '-e',
              'console.error("libfoo.so missing"); process.exit(3)',
            ],
          },
          { id: 'absent', command: ['/nonexistent/bin/trainer', '{config}'] },
        ],
      },
      {},
      { now: () => clock },
    );
    workers.push(worker);
    const readiness = await client.request('worker.readiness', {});
    expect(readiness).toMatchObject({
      cpuOnly: true,
      devices: ['cpu'],
      cached: false,
      ttlMs: 60_000,
      checkedAt: clock,
    });
    const profile = (id: string) => readiness.profiles.find((p) => p.profile === id)!;
    expect(profile('builtin')).toMatchObject({ ready: true, command: { found: true } });
    expect(profile('checked')).toMatchObject({
      ready: true,
      selfCheck: { ok: true, exitCode: 0 },
    });
    expect(profile('checked').log).toContain('all good');
    expect(profile('broken')).toMatchObject({
      ready: false,
      selfCheck: { ok: false, exitCode: 3 },
      reason: 'the self-check failed (exit code 3)',
    });
    expect(profile('broken').log).toContain('libfoo.so missing');
    expect(profile('absent')).toMatchObject({
      ready: false,
      command: { program: '/nonexistent/bin/trainer', found: false },
    });

    const view = describeReadiness(readiness);
    expect(view.devices).toEqual(['cpu']);
    expect(view.action('train:builtin')).toMatchObject({ enabled: true });
    expect(view.action('train:pytorch').reason).toBe(
      'pytorch: torch is not importable on this worker (install python3-torch, or set TRAINWIRE_PYTHON to a Python that has them)',
    );
    expect(view.action('train:absent')).toMatchObject({
      enabled: false,
      reason:
        "absent: /nonexistent/bin/trainer was not found on this worker; install it, or fix the profile's command",
    });
    expect(view.action('device:gpu')).toMatchObject({
      enabled: false,
      reason: 'the worker is CPU-only (its operator set cpuOnly)',
    });

    // Cached within the TTL, checked again after it or when asked.
    clock += 30_000;
    expect(await client.request('worker.readiness', {})).toMatchObject({
      cached: true,
      checkedAt: readiness.checkedAt,
    });
    expect(await client.request('worker.readiness', { refresh: true })).toMatchObject({
      cached: false,
      checkedAt: clock,
    });
    clock += 61_000;
    expect((await client.request('worker.readiness', {})).cached).toBe(false);
  }, 60_000);
});
