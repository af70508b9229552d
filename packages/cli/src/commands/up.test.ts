import { spawnSync } from 'node:child_process';
import { chmod, mkdtemp, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, SqliteJobStore } from '@trainwire/worker';
import { describe, expect, it, vi } from 'vitest';
import { fakeIo } from '../../test/fakeIo.js';
import { main } from '../main.js';

const ndjson = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));

describe('trainwire up with a data directory it cannot write', () => {
  // A real read-only file system (root ignores a folder's mode bits): mount needs root,
  // which the test setup has; elsewhere the folder's mode bits do the same.
  it('exits 2 naming --data-dir, before a port is opened', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tw-up-ro-'));
    const mounted =
      process.getuid?.() === 0 &&
      spawnSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=64k', 'tmpfs', dir]).status === 0;
    if (!mounted) await chmod(dir, 0o555);
    try {
      const t = fakeIo();
      expect(await main(['up', '--data-dir', dir, '--epochs', '2'], t.io)).toBe(2);
      expect(t.err()).toMatch(
        /cannot use --data-dir .*(read-only|permission denied).*pass --data-dir/,
      );
      expect(t.err()).not.toMatch(/EROFS|EACCES/);
    } finally {
      if (mounted) spawnSync('umount', [dir]);
    }
  });
});

describe('trainwire up (real signaling server, worker, WebRTC and trainer in one process)', () => {
  it('trains the built-in model and prints every epoch as NDJSON', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tw-up-'));
    const t = fakeIo();
    expect(await main(['up', '--data-dir', dataDir, '--epochs', '4', '--json'], t.io)).toBe(0);
    const events = ndjson(t.out());
    const epochs = events.filter((e) => e.type === 'progress' && e.progress.event === 'epoch_end');
    expect(epochs.map((e) => e.progress.epoch)).toEqual([0, 1, 2, 3]);
    const losses = epochs.map((e) => e.progress.logs['val/loss']);
    expect(losses[3]).toBeLessThan(losses[0]);
    expect(
      events.some(
        (e) =>
          e.type === 'artifact' &&
          e.artifact.kind === 'model' &&
          e.artifact.path.startsWith(dataDir),
      ),
    ).toBe(true);
    expect(events.at(-1)).toMatchObject({ type: 'state', state: 'completed' });
  }, 60_000);

  it('keeps history across runs in the same data directory', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tw-up-'));
    expect(await main(['up', '--data-dir', dataDir, '--epochs', '2'], fakeIo().io)).toBe(0);
    const second = fakeIo();
    expect(await main(['up', '--data-dir', dataDir, '--epochs', '2'], second.io)).toBe(0);
    expect(second.out()).toContain('Remote Training Completed Successfully');
    // Both runs are in the worker's store under the same data directory.
    const db = openDatabase(join(dataDir, 'worker', 'worker.sqlite'));
    try {
      const jobs = new SqliteJobStore(db).listJobs();
      expect(jobs).toHaveLength(2);
      expect(new Set(jobs.map((job) => job.jobId)).size).toBe(2);
      expect(jobs.map((job) => job.state)).toEqual(['completed', 'completed']);
    } finally {
      db.close();
    }
    // With no `up` running, --data-dir opens the same store in the command's own process.
    const listed = fakeIo();
    expect(await main(['experiments', 'list', '--data-dir', dataDir, '--json'], listed.io)).toBe(0);
    const experiments = ndjson(listed.out());
    expect(experiments).toHaveLength(2);
    expect(experiments.map((e: { status: string }) => e.status)).toEqual([
      'completed',
      'completed',
    ]);
  }, 60_000);

  it('--data-dir joins a running `up --keep-running` (its store is locked) and the file goes with it', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tw-up-'));
    const up = fakeIo();
    const running = main(['up', '--data-dir', dataDir, '--epochs', '1', '--keep-running'], up.io);
    await vi.waitFor(() => expect(up.out()).toContain('Ctrl-C to shut down'), {
      timeout: 30_000,
      interval: 50,
    });
    const mode = (await stat(join(dataDir, 'up.json'))).mode & 0o777;
    expect(mode).toBe(0o600);
    const listed = fakeIo();
    expect(await main(['experiments', 'list', '--data-dir', dataDir, '--json'], listed.io)).toBe(0);
    expect(ndjson(listed.out())).toMatchObject([{ status: 'completed' }]);
    const other = fakeIo();
    expect(await main(['jobs', '--data-dir', dataDir, '--worker', 'gpu-9'], other.io)).toBe(2);
    expect(other.err()).toContain('names the embedded worker "local-worker"');
    up.interrupt();
    expect(await running).toBe(0);
    await expect(stat(join(dataDir, 'up.json'))).rejects.toMatchObject({ code: 'ENOENT' });
  }, 60_000);

  it('a bad --zmq-publish is exit 2 naming the flag, before anything starts', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tw-up-'));
    const t = fakeIo();
    expect(
      await main(['up', '--data-dir', dataDir, '--epochs', '2', '--zmq-publish', 'bogus'], t.io),
    ).toBe(2);
    expect(t.err()).toContain('--zmq-publish must be a ZeroMQ address');
    expect(t.out()).not.toContain('Signaling server');
  });
});
