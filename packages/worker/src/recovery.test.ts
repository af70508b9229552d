import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { JobSpecSchema } from '@trainwire/core';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanTempDirs, tempDir } from './__tests__/helpers.js';
import { startWorker } from './__tests__/workerHarness.js';
import { ArtifactStore } from './store/ArtifactStore.js';
import { openDatabase } from './store/openDatabase.js';
import { SqliteJobStore } from './store/SqliteJobStore.js';
import type { Worker } from './Worker.js';

const workers: Worker[] = [];
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.close()));
  cleanTempDirs();
});

describe('worker restart', () => {
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
    new ArtifactStore(db).add(
      { id: 'r1:last', kind: 'checkpoint', path: ckpt, size: 10, label: 'last', epoch: 0 },
      'r1',
    );
    db.close();

    const { worker, client } = await startWorker({ dataDir });
    workers.push(worker);
    const history = await client.request('job.events', { jobId: 'r1', afterSeq: 0 });
    expect(history.events.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(history.events[2]).toMatchObject({
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
    expect(worker.jobs.getJob('r1')).toMatchObject({ state: 'failed', lastSeq: 3 });
    const attached = await client.request('job.attach', { jobId: 'r1', afterSeq: 2 });
    expect(attached).toMatchObject({ state: 'failed', lastSeq: 3 });
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
