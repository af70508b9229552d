import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JobEvent } from '@trainwire/core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanTempDirs, isDead, requireDist, tempDir, until } from './__tests__/helpers.js';
import { finalState, startWorker } from './__tests__/workerHarness.js';
import type { Worker } from './Worker.js';

beforeAll(requireDist);
const workers: Worker[] = [];
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.close()));
  cleanTempDirs();
});

const quick = { epochs: 4, dataset: { synthetic: { samples: 400 } } };
const long = { epochs: 10_000, dataset: { synthetic: { samples: 2000 } } };

async function setup(config: object = {}, transport: { maxMessageSize?: number } = {}) {
  const dataDir = tempDir();
  const started = await startWorker({ dataDir, ...config }, transport);
  workers.push(started.worker);
  return { ...started, dataDir };
}

function ofJob(events: JobEvent[], jobId: string) {
  return events.filter((e) => e.jobId === jobId);
}

describe('Worker', () => {
  it('describes itself: no GPU detected, CPU, RAM, profiles', async () => {
    const { client } = await setup();
    const info = await client.request('worker.info', {});
    expect(info.gpu).toBeNull();
    expect(info.cpu.cores).toBeGreaterThan(0);
    expect(info.status).toBe('available');
    expect(info.capabilities).toEqual(
      expect.arrayContaining(['builtin', 'sleap-nn', 'generate-dataset']),
    );
  });

  it('runs a built-in job: events stored first, numbered without gaps, checkpoints and model registered', async () => {
    const { client, events, worker } = await setup();
    const started = await client.request('job.start', {
      jobId: 'j1',
      spec: { profile: 'builtin', config: quick },
    });
    expect(started.state).toBe('starting');
    const end = await finalState(events, 'j1');
    expect(end.state).toBe('completed');
    const stored = worker.jobs.eventsAfter('j1', 0);
    expect(stored.map((e) => e.seq)).toEqual(stored.map((_, k) => k + 1));
    expect(ofJob(events, 'j1').map((e) => e.seq)).toEqual(stored.map((e) => e.seq));
    const epochEnds = stored.filter(
      (e) => e.type === 'progress' && e.progress.event === 'epoch_end',
    );
    expect(epochEnds).toHaveLength(4);
    const artifacts = stored.flatMap((e) => (e.type === 'artifact' ? [e.artifact] : []));
    expect(artifacts.map((a) => a.label)).toEqual(
      expect.arrayContaining(['best', 'last', 'final']),
    );
    const model = artifacts.find((a) => a.kind === 'model')!;
    expect(model.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(worker.artifacts.listModels()[0]).toMatchObject({
      name: 'builtin',
      version: 1,
      active: true,
    });
    expect(worker.experiments.get('j1')?.status).toBe('completed');
    const again = await client.request('job.start', {
      jobId: 'j1',
      spec: { profile: 'builtin', config: quick },
    });
    expect(again).toMatchObject({ state: 'completed', lastSeq: stored.length });
  });

  it('pages job.events to fit the transport and keeps history across a restart', async () => {
    const { client, events, worker, dataDir } = await setup({}, { maxMessageSize: 4096 });
    await client.request('job.start', { jobId: 'j1', spec: { profile: 'builtin', config: quick } });
    await finalState(events, 'j1');
    const all = worker.jobs.eventsAfter('j1', 0);
    const fetched: JobEvent[] = [];
    let pages = 0;
    for (let more = true; more; pages++) {
      const page = await client.request('job.events', {
        jobId: 'j1',
        afterSeq: fetched.at(-1)?.seq ?? 0,
      });
      fetched.push(...page.events);
      more = page.more;
    }
    expect(pages).toBeGreaterThan(1);
    expect(fetched).toEqual(all);

    await worker.close();
    workers.length = 0;
    const restarted = await setup({ dataDir });
    const list = await restarted.client.request('job.list', {});
    expect(list.jobs).toEqual([
      expect.objectContaining({ jobId: 'j1', state: 'completed', lastSeq: all.length }),
    ]);
    expect(restarted.worker.jobs.eventsAfter('j1', 0)).toEqual(all);
  });

  it('refuses a second job at the limit with worker_busy, and bad configs naming the field', async () => {
    const { client, events } = await setup();
    await client.request('job.start', {
      jobId: 'long',
      spec: { profile: 'builtin', config: long },
    });
    await expect(
      client.request('job.start', { jobId: 'other', spec: { profile: 'builtin', config: quick } }),
    ).rejects.toMatchObject({ code: 'worker_busy', message: expect.stringMatching(/limit is 1/) });
    await expect(
      client.request('job.start', {
        jobId: 'bad',
        spec: { profile: 'builtin', config: { epochs: 0 } },
      }),
    ).rejects.toMatchObject({ code: 'config_invalid', message: expect.stringContaining('epochs') });
    await expect(
      client.request('job.start', { jobId: 'x', spec: { profile: 'rm -rf', config: {} } }),
    ).rejects.toMatchObject({ code: 'unknown_profile' });
    await client.request('job.cancel', { jobId: 'long' });
    expect((await finalState(events, 'long')).state).toBe('cancelled');
  });

  it('refuses a parent experiment it does not have, before storing anything', async () => {
    const { client, worker } = await setup();
    await expect(
      client.request('job.start', {
        jobId: 'orphan',
        spec: { profile: 'builtin', config: quick, parentExperiment: 'nowhere' },
      }),
    ).rejects.toMatchObject({
      code: 'config_invalid',
      message: expect.stringMatching(
        /no experiment nowhere on this worker; .*leave parentExperiment out/,
      ),
    });
    expect(worker.jobs.getJob('orphan')).toBeUndefined();
    expect(worker.experiments.get('orphan')).toBeUndefined();
    expect(worker.jobs.listJobs()).toEqual([]);
  });

  it('stop saves a checkpoint; a resumed job continues from it', async () => {
    const { client, events, worker } = await setup();
    await client.request('job.start', { jobId: 's1', spec: { profile: 'builtin', config: long } });
    await until(
      () =>
        ofJob(events, 's1').some((e) => e.type === 'progress' && e.progress.event === 'epoch_end'),
      'an epoch',
    );
    await client.request('job.stop', { jobId: 's1' });
    const end = await finalState(events, 's1');
    expect(end).toMatchObject({ state: 'completed', reason: 'stopped_early' });
    expect(ofJob(events, 's1').some((e) => e.type === 'state' && e.state === 'stopping')).toBe(
      true,
    );
    const last = worker.artifacts.listForJob('s1', 'checkpoint').find((a) => a.label === 'last')!;
    const saved = JSON.parse(readFileSync(last.path, 'utf8')).epoch as number;
    expect(saved).toBeGreaterThan(0);

    const resumeConfig = { ...long, epochs: saved + 2 };
    await client.request('job.start', {
      jobId: 's2',
      spec: { profile: 'builtin', config: resumeConfig, resume: last.path, parentExperiment: 's1' },
    });
    expect((await finalState(events, 's2')).state).toBe('completed');
    const epochs = ofJob(events, 's2').flatMap((e) =>
      e.type === 'progress' && e.progress.event === 'epoch_end' ? [e.progress.epoch] : [],
    );
    expect(epochs).toEqual([saved, saved + 1]);
    expect(worker.experiments.lineage('s2').map((e) => e.id)).toEqual(['s1']);
  });

  it('kill -9 of the trainer: failed, with exit details, checkpoint and the resume command', async () => {
    const { client, events, worker } = await setup();
    await client.request('job.start', { jobId: 'k1', spec: { profile: 'builtin', config: long } });
    await until(
      () => ofJob(events, 'k1').some((e) => e.type === 'artifact' && e.artifact.label === 'last'),
      'a checkpoint',
    );
    const pid = worker.trainerPid('k1')!;
    process.kill(pid, 'SIGKILL');
    const end = await finalState(events, 'k1');
    expect(end.state).toBe('failed');
    expect(end.error?.code).toBe('trainer_failed');
    const details = end.error?.details as Record<string, unknown>;
    expect(details.signal).toBe('SIGKILL');
    expect(details.epoch).toBeGreaterThan(0);
    expect(details.totalEpochs).toBe(long.epochs);
    expect(details.lastCheckpoint).toMatch(/checkpoints\/last\.json$/);
    expect(details.resumeCommand).toMatch(
      /^trainwire train --profile builtin --config .*config\.json --resume .*last\.json$/,
    );
    expect((details.lastLines as string[]).length).toBeGreaterThan(0);
    expect(isDead(pid)).toBe(true);
  });

  it('a shell trainer that fails: exit code and last log lines; grandchildren do not survive a cancel', async () => {
    const dir = tempDir();
    const pidFile = join(dir, 'sleeper.pid');
    const { client, events } = await setup({
      cancelGraceMs: 300,
      profiles: [
        {
          id: 'fails',
          // The built-in trainer's rules: the worker knows its config asks for 7 epochs.
          configProfile: 'builtin',
          command: ['sh', '-c', 'echo loading data; echo "boom: out of memory" >&2; exit 3'],
        },
        { id: 'sleeps', command: ['sh', '-c', `sleep 300 & echo $! > ${pidFile}; wait`] },
        {
          id: 'tqdm',
          command: [
            'sh',
            '-c',
            'i=0; while [ $i -lt 300 ]; do printf "\\r%d%%" $i; i=$((i+1)); done; echo; echo done',
          ],
        },
      ],
    });
    await client.request('job.start', {
      jobId: 'f1',
      spec: { profile: 'fails', config: { epochs: 7 } },
    });
    const failed = await finalState(events, 'f1');
    expect(failed).toMatchObject({ state: 'failed', exitCode: 3 });
    // Dead before it said anything: the config's count stands in for its train_begin.
    expect(failed.error?.details).toMatchObject({ epoch: 0, totalEpochs: 7 });
    expect(failed.error?.message).toMatch(/exited with code 3 after 0 epoch\(s\); no checkpoint/);
    expect((failed.error!.details as { lastLines: string[] }).lastLines).toEqual(
      expect.arrayContaining(['loading data', 'boom: out of memory']),
    );
    await client.request('job.start', { jobId: 'c1', spec: { profile: 'sleeps' } });
    await until(
      () => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '',
      'the sleeper',
    );
    await client.request('job.cancel', { jobId: 'c1' });
    expect((await finalState(events, 'c1')).state).toBe('cancelled');
    await until(() => isDead(Number(readFileSync(pidFile, 'utf8'))), 'the grandchild to die');

    await client.request('job.start', { jobId: 't1', spec: { profile: 'tqdm' } });
    expect((await finalState(events, 't1')).state).toBe('completed');
    const logs = ofJob(events, 't1').flatMap((e) => (e.type === 'log' ? [e] : []));
    const bars = logs.filter((e) => e.replace);
    expect(bars.length).toBeLessThanOrEqual(5);
    expect(bars.at(-1)?.line).toBe('299%');
    expect(logs.at(-1)).toMatchObject({ line: 'done', stream: 'stdout' });
  });

  it("an artifact announced at a deep path gets an id within the protocol's 128 characters, stable and unique", async () => {
    const dir = tempDir();
    const deep = join(dir, ...Array.from({ length: 8 }, (_, i) => `folder-number-${i}`));
    const announce = (name: string) =>
      `mkdir -p ${deep} && echo ${name} > ${deep}/${name} && echo 'trainwire:artifact {"kind":"predictions","path":"${deep}/${name}"}'`;
    const { client, events } = await setup({
      profiles: [
        {
          id: 'deep',
          command: [
            'sh',
            '-c',
            `${announce('a.jsonl')}; ${announce('b.jsonl')}; ${announce('a.jsonl')}`,
          ],
        },
      ],
    });
    await client.request('job.start', { jobId: 'deep1', spec: { profile: 'deep' } });
    expect((await finalState(events, 'deep1')).state).toBe('completed');
    const announced = ofJob(events, 'deep1').flatMap((e) =>
      e.type === 'artifact' && e.artifact.kind === 'predictions' ? [e.artifact] : [],
    );
    expect(`${deep}/a.jsonl`.length).toBeGreaterThan(128);
    // a.jsonl twice is one artifact (its id is the same), b.jsonl another.
    const ids = [...new Set(announced.map((a) => a.id))];
    expect(ids).toHaveLength(2);
    for (const id of ids) expect(id.length).toBeLessThanOrEqual(128);
    expect(ids[0]).toMatch(/^deep1:predictions:.*a\.jsonl~[0-9a-f]{20}$/);
    // A job started without an experiment runs in one of its own, whose id is the job id.
    const { artifacts } = await client.request('artifact.list', { experimentId: 'deep1' });
    expect(
      artifacts
        .filter((a) => a.kind === 'predictions')
        .map((a) => a.id)
        .sort(),
    ).toEqual([...ids].sort());
  });

  it('cancel ends a built-in job promptly (SIGTERM), and a GPU job is refused without a GPU', async () => {
    const { client, events, worker } = await setup();
    await expect(
      client.request('job.start', { jobId: 'g1', spec: { profile: 'builtin', device: 'gpu' } }),
    ).rejects.toMatchObject({
      code: 'device_unavailable',
      message: expect.stringContaining('GPU: Not detected'),
    });
    await client.request('job.start', { jobId: 'c2', spec: { profile: 'builtin', config: long } });
    await until(() => worker.trainerPid('c2') !== undefined, 'the trainer to start');
    const pid = worker.trainerPid('c2')!;
    await client.request('job.cancel', { jobId: 'c2' });
    expect(await finalState(events, 'c2')).toMatchObject({
      state: 'cancelled',
      reason: 'cancelled by the user',
    });
    expect(isDead(pid)).toBe(true);
    expect((await client.request('worker.info', {})).status).toBe('available');
  });
});
