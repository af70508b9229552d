import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { JobSpecSchema } from '@trainwire/core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanTempDirs, isDead, requireDist, tempDir, until } from './__tests__/helpers.js';
import { killWorkerProcesses, spawnWorker } from './__tests__/spawnWorker.js';
import { finalState, startWorker } from './__tests__/workerHarness.js';
import { ArtifactStore } from './store/ArtifactStore.js';
import { openDatabase } from './store/openDatabase.js';
import { SqliteJobStore } from './store/SqliteJobStore.js';
import type { Worker } from './Worker.js';

beforeAll(requireDist);
const workers: Worker[] = [];
afterEach(async () => {
  killWorkerProcesses();
  await Promise.all(workers.splice(0).map((w) => w.close()));
  cleanTempDirs();
});

const long = { epochs: 10_000, hiddenLayers: [8], dataset: { synthetic: { samples: 400 } } };
const sha256Of = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

describe('worker restart', () => {
  it('after kill -9 of the worker, the store agrees with the checkpoint files, the job ends at its last checkpoint, and the resume command works', async () => {
    const dataDir = tempDir();
    const child = spawnWorker(dataDir, { jobId: 'k1', config: long });
    await child.waitFor(
      (l) => (l.event as { artifact?: { label?: string } })?.artifact?.label === 'last',
      'a checkpoint',
    );
    const checkpoints = join(dataDir, 'runs', 'k1', 'checkpoints');
    const trainer = Number(readFileSync(join(dataDir, 'runs', 'k1', 'trainer.pid'), 'utf8'));
    child.child.kill('SIGKILL');
    await child.exited;
    // Its trainer lives on (its own process group) and saves more epochs than the store saw.
    const peek = openDatabase(join(dataDir, 'worker.sqlite'));
    const registered = new ArtifactStore(peek)
      .listForJob('k1', 'checkpoint')
      .find((a) => a.label === 'last')!;
    peek.close();
    const fileEpoch = () => JSON.parse(readFileSync(join(checkpoints, 'last.json'), 'utf8')).epoch;
    await until(() => fileEpoch() > (registered.epoch ?? 0) + 3, 'the orphan to save more');
    try {
      process.kill(-trainer, 'SIGKILL'); // It dies too, a while before the restart.
    } catch {}
    await until(() => isDead(trainer), 'the orphan to die');
    await new Promise((r) => setTimeout(r, 300));
    const restartedAt = Date.now();

    const { worker, client, events } = await startWorker({ dataDir, name: 'w2' });
    workers.push(worker);
    const lastPath = join(checkpoints, 'last.json');
    const saved = fileEpoch();
    const files = readdirSync(checkpoints).filter((f) => f.endsWith('.json'));
    for (const file of files) {
      const path = join(checkpoints, file);
      const bytes = readFileSync(path);
      const artifact = worker.artifacts.listForJob('k1', 'checkpoint').find((a) => a.path === path);
      expect(artifact).toMatchObject({
        size: bytes.length,
        sha256: sha256Of(bytes),
        epoch: JSON.parse(bytes.toString()).epoch - 1,
      });
    }
    const job = worker.jobs.getJob('k1')!;
    const newest = Math.max(...files.map((f) => statSync(join(checkpoints, f)).mtimeMs));
    expect(job.endedAt).toBe(Math.round(newest));
    expect(job.endedAt).toBeLessThan(restartedAt);
    // A long history comes in pages: read them all.
    const history = [];
    for (let after = 0, more = true; more; ) {
      const page = await client.request('job.events', { jobId: 'k1', afterSeq: after });
      history.push(...page.events);
      more = page.more && page.events.length > 0;
      after = page.events.at(-1)?.seq ?? after;
    }
    const end = history.at(-1)!;
    expect(end).toMatchObject({
      type: 'state',
      state: 'failed',
      error: {
        code: 'worker_restarted',
        message: expect.stringContaining(
          `the job ended after epoch ${saved}; last checkpoint ${lastPath}`,
        ),
        details: { epoch: saved, lastCheckpoint: lastPath, endedAt: job.endedAt },
      },
    });
    // A client catching up sees the corrected record of last.json.
    const corrections = history.filter(
      (e) => e.type === 'artifact' && e.artifact.path === lastPath,
    );
    expect(corrections.at(-1)).toMatchObject({ artifact: { epoch: saved - 1 } });

    const resumed = { ...long, epochs: saved + 2 };
    await client.request('job.start', {
      jobId: 'k2',
      spec: { profile: 'builtin', config: resumed, resume: lastPath, parentExperiment: 'k1' },
    });
    expect((await finalState(events, 'k2')).state).toBe('completed');
    const epochs = events.flatMap((e) =>
      e.jobId === 'k2' && e.type === 'progress' && e.progress.event === 'epoch_end'
        ? [e.progress.epoch]
        : [],
    );
    expect(epochs).toEqual([saved, saved + 1]);
  });

  it('marks a job that was running as failed ("worker restarted") with its last checkpoint', async () => {
    const dataDir = tempDir();
    // The state a worker leaves behind when it dies mid-training.
    const db = openDatabase(join(dataDir, 'worker.sqlite'));
    const jobs = new SqliteJobStore(db);
    const spec = JobSpecSchema.parse({ profile: 'builtin', config: { epochs: 50 } });
    jobs.createJob({ jobId: 'r1', spec, state: 'running', workerId: 'w', createdAt: 1 });
    jobs.appendEvent({ jobId: 'r1', seq: 1, ts: 1, type: 'state', state: 'running' });
    jobs.appendEvent({
      jobId: 'r1',
      seq: 2,
      ts: 2,
      type: 'progress',
      progress: { event: 'epoch_end', epoch: 0, logs: { 'val/loss': 0.5 } },
    });
    const ckpt = join(dataDir, 'runs', 'r1', 'checkpoints', 'last.json');
    mkdirSync(dirname(ckpt), { recursive: true });
    writeFileSync(ckpt, 'weights');
    new ArtifactStore(db).add(
      { id: 'r1:last', kind: 'checkpoint', path: ckpt, size: 7, label: 'last', epoch: 0 },
      'r1',
    );
    db.close();

    const { worker, client } = await startWorker({ dataDir });
    workers.push(worker);
    const history = await client.request('job.events', { jobId: 'r1', afterSeq: 0 });
    // The record had no SHA-256: the rescan adds it (an artifact event), then the job ends.
    expect(history.events.map((e) => e.type)).toEqual(['state', 'progress', 'artifact', 'state']);
    expect(history.events[2]).toMatchObject({
      artifact: { id: 'r1:last', size: 7, sha256: sha256Of('weights'), epoch: 0 },
    });
    expect(history.events[3]).toMatchObject({
      type: 'state',
      state: 'failed',
      reason: 'worker restarted',
      error: {
        code: 'worker_restarted',
        details: {
          lastCheckpoint: ckpt,
          resumeCommand: expect.stringContaining(`--resume ${ckpt}`),
        },
      },
    });
    expect(worker.jobs.getJob('r1')).toMatchObject({ state: 'failed', lastSeq: 4 });
    const attached = await client.request('job.attach', { jobId: 'r1', afterSeq: 2 });
    expect(attached).toMatchObject({ state: 'failed', lastSeq: 4 });
  });

  it("stops a trainer the dead worker left running — and only a process that is that job's trainer", async () => {
    const dataDir = tempDir();
    const db = openDatabase(join(dataDir, 'worker.sqlite'));
    const jobs = new SqliteJobStore(db);
    const spec = JobSpecSchema.parse({ profile: 'builtin', config: { epochs: 50 } });
    const sleeper = (jobId: string) =>
      spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], {
        detached: true,
        stdio: 'ignore',
        env: { ...process.env, TRAINWIRE_JOB_ID: jobId },
      });
    const orphan = sleeper('o1');
    const stranger = sleeper('someone-else');
    const exited = (child: ReturnType<typeof sleeper>) => new Promise((r) => child.once('exit', r));
    const orphanExit = exited(orphan);
    for (const [jobId, pid] of [
      ['o1', orphan.pid],
      ['o2', stranger.pid],
    ] as const) {
      jobs.createJob({ jobId, spec, state: 'running', workerId: 'w', createdAt: 1 });
      mkdirSync(join(dataDir, 'runs', jobId), { recursive: true });
      writeFileSync(join(dataDir, 'runs', jobId, 'trainer.pid'), `${pid}\n`);
    }
    db.close();
    try {
      const { worker } = await startWorker({ dataDir });
      workers.push(worker);
      await orphanExit;
      expect(worker.jobs.getJob('o1')?.error?.message).toContain(
        `its trainer (pid ${orphan.pid}) was still running and was stopped`,
      );
      expect(stranger.exitCode).toBeNull();
      expect(worker.jobs.getJob('o2')?.error?.message).not.toContain('was stopped');
    } finally {
      stranger.kill('SIGKILL');
      orphan.kill('SIGKILL');
    }
  });
});
