import { chmodSync, existsSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type JobEvent, JobSpecSchema, pipelineSpec, type StageSpecInput } from '@trainwire/core';
import { afterEach, describe, expect, it } from 'vitest';
import { isDead, tempDir, until } from './__tests__/helpers.js';
import { killWorkerProcesses, spawnWorker } from './__tests__/spawnWorker.js';
import { closeWorkersAfterEach, finalState, startWorker } from './__tests__/workerHarness.js';

afterEach(killWorkerProcesses);
const workers = closeWorkersAfterEach();

const quick = { epochs: 2, dataset: { synthetic: { samples: 300 } } };
const long = { epochs: 10_000, dataset: { synthetic: { samples: 2000 } } };

async function setup(config: object = {}) {
  const dataDir = tempDir();
  const started = await startWorker({ dataDir, cancelGraceMs: 2_000, ...config });
  workers.push(started.worker);
  return { ...started, dataDir };
}

function ofJob(events: JobEvent[], jobId: string) {
  return events.filter((e) => e.jobId === jobId);
}

function progressOf(events: JobEvent[], jobId: string) {
  return ofJob(events, jobId).flatMap((e) => (e.type === 'progress' ? [e] : []));
}

/** Two built-in stages; the second fine-tunes from the first's model. */
function twoStages(second: Record<string, unknown> = quick): StageSpecInput[] {
  return [
    { name: 'first', profile: 'builtin', config: quick },
    { name: 'second', profile: 'builtin', config: second, inputs: { base_model: 'stage:first' } },
  ];
}

describe('pipeline jobs', () => {
  it('runs its stages in turn: progress under each stage’s own what and index, a model per stage', async () => {
    const { client, events, worker } = await setup();
    await client.request('job.start', {
      jobId: 'p1',
      spec: { profile: 'pipeline', name: 'td', stages: twoStages() },
    });
    const end = await finalState(events, 'p1');
    expect(end).toMatchObject({
      state: 'completed',
      stage: { index: 1, count: 2, name: 'second' },
    });
    expect(end.reason).toBeUndefined();
    const progress = progressOf(events, 'p1');
    const ends = progress.filter((e) => e.progress.event === 'epoch_end');
    expect(ends.map((e) => [e.stage?.index, e.progress.what])).toEqual([
      [0, 'first'],
      [0, 'first'],
      [1, 'second'],
      [1, 'second'],
    ]);
    // Every progress event names its stage, and stage 2 began only after stage 1 ended.
    expect(progress.every((e) => e.stage?.count === 2 && e.progress.what === e.stage.name)).toBe(
      true,
    );
    const firstOfSecond = progress.findIndex((e) => e.stage?.index === 1);
    expect(progress.slice(firstOfSecond).every((e) => e.stage?.index === 1)).toBe(true);
    const running = ofJob(events, 'p1').filter((e) => e.type === 'state' && e.state === 'running');
    expect(running.map((e) => (e.type === 'state' ? e.reason : ''))).toEqual([
      'Stage 1/2: first',
      'Stage 2/2: second',
    ]);
    const first = worker.artifacts.get('p1:first:model')!;
    const second = worker.artifacts.get('p1:second:model')!;
    expect(first.path).toContain(join('runs', 'p1', 'stages', 'first', 'checkpoints'));
    expect(second.path).toContain(join('runs', 'p1', 'stages', 'second', 'checkpoints'));
    // Stage 2 got stage 1's model as its base model (the trainer says so in its log).
    expect(
      ofJob(events, 'p1').some(
        (e) => e.type === 'log' && e.stage?.name === 'second' && e.line.includes(first.path),
      ),
    ).toBe(true);
    expect(worker.artifacts.activeModel('td/first')?.artifactId).toBe('p1:first:model');
    expect(worker.artifacts.activeModel('td/second')?.artifactId).toBe('p1:second:model');
  });

  it('Stop Early in stage 1 ends the job completed there; stage 2 never starts', async () => {
    const { client, events, dataDir } = await setup();
    await client.request('job.start', {
      jobId: 'p2',
      spec: {
        profile: 'pipeline',
        stages: [
          { name: 'first', profile: 'builtin', config: long },
          { name: 'second', profile: 'builtin', config: quick },
        ],
      },
    });
    await until(
      () => progressOf(events, 'p2').some((e) => e.progress.event === 'epoch_end'),
      'an epoch of stage 1',
    );
    await client.request('job.stop', { jobId: 'p2' });
    const end = await finalState(events, 'p2');
    expect(end).toMatchObject({
      state: 'completed',
      reason: 'stopped_early',
      stage: { index: 0, name: 'first' },
    });
    expect(ofJob(events, 'p2').some((e) => e.stage?.index === 1)).toBe(false);
    expect(existsSync(join(dataDir, 'runs', 'p2', 'stages', 'second'))).toBe(false);
  });

  it('cancel in stage 2 ends the job cancelled and leaves no trainer process', async () => {
    const { client, events, worker } = await setup();
    await client.request('job.start', {
      jobId: 'p3',
      spec: { profile: 'pipeline', stages: twoStages(long) },
    });
    await until(
      () =>
        progressOf(events, 'p3').some(
          (e) => e.stage?.index === 1 && e.progress.event === 'epoch_end',
        ),
      'an epoch of stage 2',
    );
    const pid = worker.trainerPid('p3')!;
    expect(pid).toBeGreaterThan(0);
    await client.request('job.cancel', { jobId: 'p3' });
    const end = await finalState(events, 'p3');
    expect(end).toMatchObject({ state: 'cancelled', stage: { index: 1, name: 'second' } });
    expect(isDead(pid)).toBe(true);
    // Its process group is gone too: signalling it finds nothing.
    expect(() => process.kill(-pid, 0)).toThrow();
  });

  it('a failing stage 2 ends the job failed naming the stage; stage 1’s artifacts stay', async () => {
    const { client, events, worker } = await setup({
      profiles: [{ id: 'fails', command: ['sh', '-c', 'echo "no labels here" >&2; exit 3'] }],
    });
    await client.request('job.start', {
      jobId: 'p4',
      spec: {
        profile: 'pipeline',
        stages: [
          { name: 'first', profile: 'builtin', config: quick },
          { name: 'second', profile: 'fails', inputs: { model: 'stage:first' } },
        ],
      },
    });
    const end = await finalState(events, 'p4');
    expect(end).toMatchObject({
      state: 'failed',
      exitCode: 3,
      stage: { index: 1, count: 2, name: 'second' },
      error: {
        code: 'trainer_failed',
        message: expect.stringMatching(/^stage second: the trainer exited with code 3/),
        details: {
          stage: { index: 1, count: 2, name: 'second' },
          completedStages: ['first'],
          lastLines: ['no labels here'],
        },
      },
    });
    expect(worker.artifacts.get('p4:first:model')).toBeDefined();
    expect(
      worker.artifacts.listForJob('p4', 'checkpoint').filter((a) => a.id.startsWith('p4:first:')),
    ).not.toHaveLength(0);
  });

  it('resume restarts at the stage that did not finish, reusing the earlier stage’s model', async () => {
    const { client, events, worker } = await setup();
    await client.request('job.start', {
      jobId: 'p5',
      spec: { profile: 'pipeline', stages: twoStages(long) },
    });
    await until(
      () =>
        progressOf(events, 'p5').some(
          (e) => e.stage?.index === 1 && e.progress.event === 'epoch_end',
        ),
      'an epoch of stage 2',
    );
    await client.request('job.cancel', { jobId: 'p5' });
    await finalState(events, 'p5');
    const checkpoint = worker.artifacts
      .listForJob('p5', 'checkpoint')
      .find((a) => a.id.startsWith('p5:second:') && a.label === 'last')!;
    expect(checkpoint).toBeDefined();
    const epochsSaved = checkpoint.epoch! + 1;
    await client.request('job.start', {
      jobId: 'p6',
      spec: {
        profile: 'pipeline',
        stages: twoStages({ ...long, epochs: epochsSaved + 1 }),
        resume: checkpoint.path,
      },
    });
    const end = await finalState(events, 'p6');
    expect(end).toMatchObject({ state: 'completed', stage: { index: 1, name: 'second' } });
    const progress = progressOf(events, 'p6');
    expect(progress.some((e) => e.stage?.index === 0)).toBe(false);
    const epochs = progress.filter((e) => e.progress.event === 'epoch_end');
    expect(epochs.map((e) => (e.progress.event === 'epoch_end' ? e.progress.epoch : -1))).toEqual([
      epochsSaved,
    ]);
    // The stage that did not run again was not re-registered: its model is p5's.
    expect(worker.artifacts.get('p6:first:model')).toBeUndefined();
    expect(worker.artifacts.get('p6:second:model')).toBeDefined();
  });

  it('refuses a bad stage reference, an unknown stage profile and a bad stage config up front', async () => {
    const { client, worker } = await setup();
    await expect(
      client.request('job.start', {
        jobId: 'bad1',
        spec: {
          profile: 'pipeline',
          stages: [
            {
              name: 'first',
              profile: 'builtin',
              config: quick,
              inputs: { base_model: 'stage:second' },
            },
            { name: 'second', profile: 'builtin', config: quick },
          ],
        },
      }),
    ).rejects.toMatchObject({
      code: 'config_invalid',
      message: expect.stringContaining(
        'stage "first" takes the model of stage "second", which runs after it',
      ),
      details: { issues: [expect.objectContaining({ path: 'stages.0.inputs.base_model' })] },
    });
    await expect(
      client.request('job.start', {
        jobId: 'bad2',
        spec: {
          profile: 'pipeline',
          stages: [
            { name: 'first', profile: 'builtin', config: quick },
            { name: 'second', profile: 'nope' },
          ],
        },
      }),
    ).rejects.toMatchObject({
      code: 'unknown_profile',
      message: expect.stringMatching(/^stage second: /),
    });
    await expect(
      client.request('job.start', {
        jobId: 'bad3',
        spec: {
          profile: 'pipeline',
          stages: [
            { name: 'first', profile: 'builtin', config: quick },
            { name: 'second', profile: 'builtin', config: { epochs: 0 } },
          ],
        },
      }),
    ).rejects.toMatchObject({
      code: 'config_invalid',
      details: { issues: [expect.objectContaining({ path: 'stages.1.config.epochs' })] },
    });
    await expect(
      client.request('job.start', {
        jobId: 'bad4',
        spec: { profile: 'builtin', stages: twoStages() },
      }),
    ).rejects.toMatchObject({
      code: 'config_invalid',
      message: expect.stringContaining('"pipeline"'),
    });
    expect(worker.jobs.listJobs()).toEqual([]);
  });
});

describe('pipeline jobs across a worker restart', () => {
  it('a pipeline interrupted in stage 2 ends failed naming that stage and its checkpoint; resuming from it skips stage 1', async () => {
    const dataDir = tempDir();
    const child = spawnWorker(dataDir, { jobId: 'r1', config: { stages: twoStages(long) } });
    await child.waitFor(
      (l) =>
        (l.event as { artifact?: { id?: string; label?: string } })?.artifact?.id ===
        'r1:second:checkpoint:last.json',
      'a checkpoint of stage 2',
    );
    child.child.kill('SIGKILL');
    await child.exited;
    const { worker, client, events } = await startWorker({ dataDir, name: 'w2' });
    workers.push(worker);
    expect(await worker.recoverInterruptedJobs()).toEqual([]); // createWorker already did
    const stored = worker.jobs.eventsAfter('r1', 0);
    const end = stored.at(-1)!;
    const checkpoints = join(dataDir, 'runs', 'r1', 'stages', 'second', 'checkpoints');
    expect(end).toMatchObject({
      type: 'state',
      state: 'failed',
      stage: { index: 1, name: 'second' },
      error: {
        code: 'worker_restarted',
        message: expect.stringContaining('in stage second'),
        details: {
          stage: { index: 1, count: 2, name: 'second' },
          completedStages: ['first'],
          lastCheckpoint: expect.stringContaining(checkpoints),
          resumeCommand: expect.stringContaining('--profile pipeline'),
        },
      },
    });
    const lastCheckpoint = String(
      (end as { error?: { details?: Record<string, unknown> } }).error?.details?.lastCheckpoint,
    );
    await client.request('job.start', {
      jobId: 'r2',
      spec: { profile: 'pipeline', stages: twoStages(quick), resume: lastCheckpoint },
    });
    // quick has 2 epochs, fewer than stage 2 had done: it resumes and ends at once.
    expect(await finalState(events, 'r2')).toMatchObject({
      state: 'completed',
      stage: { name: 'second' },
    });
    expect(ofJob(events, 'r2').some((e) => e.stage?.index === 0)).toBe(false);
  });
});

describe('the sleap-nn top-down preset on a worker', () => {
  it('runs centroid, then centered_instance with the centroid model, through the sleap-nn commands; track gets both models', async () => {
    // sleap-nn is not installed here: a stand-in on PATH records what it was given.
    const bin = tempDir('tw-bin-');
    writeFileSync(
      join(bin, 'sleap-nn'),
      [
        '#!/bin/sh',
        'printf "%s\\n" "$@" > argv.txt',
        // `track` (a predict job): a predictions file where --output_path says.
        'if [ "$1" = track ]; then prev=; for a in "$@"; do [ "$prev" = --output_path ] && out="$a"; prev="$a"; done; echo frames > "$out"; exit 0; fi',
        'echo "$TRAINWIRE_INPUT_CENTROID_MODEL" > centroid_model.txt',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell parameter expansion
        'for a in "$@"; do case "$a" in trainer_config.ckpt_dir=*) d="${a#trainer_config.ckpt_dir=}";; esac; done',
        'mkdir -p "$d" && echo weights > "$d/best.ckpt"',
      ].join('\n'),
    );
    chmodSync(join(bin, 'sleap-nn'), 0o755);
    const data = tempDir('tw-data-');
    const labels = join(data, 'flies.slp');
    writeFileSync(labels, 'labels');
    const path = process.env.PATH;
    process.env.PATH = `${bin}:${path}`;
    try {
      const { client, events, dataDir } = await setup({
        mounts: [{ name: 'data', path: data, readOnly: true }],
      });
      const spec = pipelineSpec('sleap-nn', 'top-down', { inputs: { labels } });
      await client.request('job.start', { jobId: 'td1', spec: JobSpecSchema.parse(spec) });
      expect(await finalState(events, 'td1')).toMatchObject({
        state: 'completed',
        stage: { index: 1, name: 'centered_instance' },
      });
      const stageDir = (name: string) => join(dataDir, 'runs', 'td1', 'stages', name);
      const argv = (name: string) =>
        readFileSync(join(stageDir(name), 'argv.txt'), 'utf8').split('\n');
      for (const name of ['centroid', 'centered_instance']) {
        expect(argv(name).slice(0, 5)).toEqual([
          'train',
          '--config-name',
          'config.yaml',
          '--config-dir',
          realpathSync(stageDir(name)),
        ]);
        expect(argv(name)).toContain(`data_config.train_labels_path=[${realpathSync(labels)}]`);
        expect(argv(name)).toContain(
          `trainer_config.ckpt_dir=${join(realpathSync(stageDir(name)), 'checkpoints')}`,
        );
        expect(argv(name)).toContain(`trainer_config.run_name=top-down-${name}`);
      }
      const config = readFileSync(join(stageDir('centered_instance'), 'config.yaml'), 'utf8');
      expect(config).toMatch(/centered_instance:\n\s+confmaps:/);
      expect(
        readFileSync(join(stageDir('centered_instance'), 'centroid_model.txt'), 'utf8').trim(),
      ).toBe(join(stageDir('centroid'), 'checkpoints', 'best.ckpt'));

      // Predict with the centered-instance model: sleap-nn track gets both models' folders,
      // the centroid model's first, as its top-down inference needs.
      const video = join(data, 'flies.mp4');
      writeFileSync(video, 'video');
      await client.request('job.start', {
        jobId: 'tdp',
        spec: JobSpecSchema.parse({
          profile: 'sleap-nn',
          predict: { model: { name: 'top-down/centered_instance' } },
          inputs: { input: video },
        }),
      });
      expect((await finalState(events, 'tdp')).state).toBe('completed');
      const track = readFileSync(join(dataDir, 'runs', 'tdp', 'argv.txt'), 'utf8').split('\n');
      expect(track.slice(0, 3)).toEqual(['track', '--data_path', realpathSync(video)]);
      expect(track.slice(3, 6)).toEqual([
        `--model_paths=${join(stageDir('centroid'), 'checkpoints')}`,
        '--model_paths',
        join(stageDir('centered_instance'), 'checkpoints'),
      ]);
    } finally {
      process.env.PATH = path;
    }
  });
});
