import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanTempDirs, isDead, requireDist, TRAINER_MAIN, tempDir } from '../__tests__/helpers.js';
import { killWorkerProcesses, spawnWorker } from '../__tests__/spawnWorker.js';
import { noGpu } from '../__tests__/workerHarness.js';
import { createWorker } from '../createWorker.js';
import type { Worker } from '../Worker.js';

beforeAll(requireDist);
const workers: Worker[] = [];
afterEach(async () => {
  killWorkerProcesses();
  await Promise.all(workers.splice(0).map((w) => w.close()));
  cleanTempDirs();
});

async function open(dataDir: string): Promise<Worker> {
  const worker = await createWorker(
    { dataDir },
    { runCommand: noGpu, builtinTrainer: TRAINER_MAIN },
  );
  workers.push(worker);
  return worker;
}

const lockOf = (dataDir: string) => JSON.parse(readFileSync(join(dataDir, 'worker.lock'), 'utf8'));
const long = { epochs: 10_000, hiddenLayers: [8], dataset: { synthetic: { samples: 400 } } };

describe('one worker per data dir', () => {
  it('refuses a second worker while the first runs, naming its pid; free again after close', async () => {
    const dataDir = tempDir();
    const first = await open(dataDir);
    expect(lockOf(dataDir)).toMatchObject({ pid: process.pid, host: hostname() });
    await expect(open(dataDir)).rejects.toMatchObject({
      code: 'data_dir_in_use',
      message: expect.stringMatching(
        new RegExp(
          `${dataDir} is in use by another trainwire run \\(pid ${process.pid}, since .*\\); .*--data-dir`,
        ),
      ),
      details: { pid: process.pid, dataDir },
    });
    await first.close();
    workers.length = 0;
    expect(existsSync(join(dataDir, 'worker.lock'))).toBe(false);
    await open(dataDir);
  });

  it("another process's live worker refuses this one and keeps its job; once it is killed (-9) the lock is taken over and its checkpoints are found", async () => {
    const dataDir = tempDir();
    const other = spawnWorker(dataDir, { jobId: 'theirs', config: long });
    const ready = await other.waitFor((l) => l.ready === true, 'ready');
    await other.waitFor(
      (l) => (l.event as { artifact?: { label?: string } })?.artifact?.label === 'last',
      'a checkpoint',
    );
    await expect(open(dataDir)).rejects.toMatchObject({
      code: 'data_dir_in_use',
      message: expect.stringContaining(`(pid ${ready.pid},`),
    });
    // The refused worker touched nothing: the other one's job still runs, in its store.
    const peek = new Database(join(dataDir, 'worker.sqlite'), { readonly: true });
    const row = peek.prepare('SELECT state FROM jobs WHERE job_id = ?').get('theirs') as {
      state: string;
    };
    peek.close();
    expect(row.state).toBe('running');
    const trainerPid = Number(readFileSync(join(dataDir, 'runs', 'theirs', 'trainer.pid'), 'utf8'));

    other.child.kill('SIGKILL');
    await other.exited;
    const worker = await open(dataDir);
    expect(lockOf(dataDir).pid).toBe(process.pid);
    expect(isDead(trainerPid)).toBe(true);
    const job = worker.jobs.getJob('theirs')!;
    expect(job.state).toBe('failed');
    expect(job.error?.message).toMatch(/last checkpoint .*last\.json; resume with: /);
    expect(job.error?.message).not.toContain('no checkpoint was saved');
  });

  it('a data dir it cannot write is refused in words, not an errno', async () => {
    const dataDir = tempDir();
    // root writes through file modes: it gets a read-only file system instead.
    const root = process.getuid?.() === 0;
    if (root) {
      try {
        execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=64k', 'tmpfs', dataDir]);
      } catch {
        return; // root without mount(8): nothing it cannot write to.
      }
    } else chmodSync(dataDir, 0o500);
    try {
      await expect(open(dataDir)).rejects.toMatchObject({
        code: 'store_failed',
        message: `cannot use the data dir ${dataDir}: ${root ? 'it is on a read-only file system' : 'this user may not write there'}; make it writable, or give the worker another folder with --data-dir`,
      });
    } finally {
      if (root) execFileSync('umount', [dataDir]);
      else chmodSync(dataDir, 0o700);
    }
  });

  it('takes over a lock whose pid is dead, reused by another process, or unreadable', async () => {
    const dead = spawnWorker(tempDir()); // any process that is gone by now
    dead.child.kill('SIGKILL');
    await dead.exited;
    const stale = [
      { pid: dead.child.pid, host: hostname(), startedAt: 1 },
      // pid 1 lives, but it is not the process that took the lock (its start time differs).
      { pid: 1, host: hostname(), startedAt: 1, processStart: 'never' },
      'not json',
    ];
    for (const content of stale) {
      const dataDir = tempDir();
      writeFileSync(
        join(dataDir, 'worker.lock'),
        typeof content === 'string' ? content : JSON.stringify(content),
      );
      const worker = await open(dataDir);
      expect(lockOf(dataDir).pid).toBe(process.pid);
      await worker.close();
      workers.length = 0;
    }
  });
});
