import { chmodSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanTempDirs, requireDist, tempDir } from '../__tests__/helpers.js';
import { csvDataset, upload } from '../__tests__/upload.js';
import { finalState, startWorker } from '../__tests__/workerHarness.js';
import type { Worker } from '../Worker.js';

let umask: number;
beforeAll(() => {
  requireDist();
  // The usual umask: without the worker's own modes everything would be 0644 / 0755.
  umask = process.umask(0o022);
});
afterAll(() => {
  process.umask(umask);
});
const workers: Worker[] = [];
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.close()));
  cleanTempDirs();
});

const mode = (path: string) => statSync(path).mode & 0o777;
const octal = (n: number) => n.toString(8).padStart(3, '0');

/** Every file and folder under `root` (itself included) with its mode. */
function modesUnder(root: string): Record<string, string> {
  const found: Record<string, string> = { '.': octal(mode(root)) };
  const walk = (dir: string, rel: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      const name = rel ? `${rel}/${entry.name}` : entry.name;
      found[name] = octal(mode(path));
      if (entry.isDirectory()) walk(path, name);
    }
  };
  walk(root, '');
  return found;
}

/** Runs a job on an uploaded dataset, so the data dir holds one of everything. */
async function runOneJob(config: object) {
  const base = tempDir();
  const dataDir = join(base, 'worker'); // made by the worker
  const started = await startWorker({ dataDir, ...config });
  workers.push(started.worker);
  const path = await upload(started.client, 'data.csv', csvDataset());
  await started.client.request('job.start', {
    jobId: 'j1',
    spec: { profile: 'builtin', config: { epochs: 2 }, inputs: { dataset: path } },
  });
  expect((await finalState(started.events, 'j1')).state).toBe('completed');
  return { ...started, dataDir };
}

describe('file modes', () => {
  it('private by default: the store, uploads, run configs, checkpoints and their folders are 0600 / 0700', async () => {
    const { dataDir } = await runOneJob({});
    const modes = modesUnder(dataDir);
    // One of each kind is there…
    for (const name of [
      'worker.sqlite',
      'worker.sqlite-wal',
      'worker.lock',
      'worker-id',
      'uploads',
      'runs/j1/config.json',
      'runs/j1/checkpoints',
      'runs/j1/checkpoints/last.json',
      'runs/j1/checkpoints/best.json',
    ]) {
      expect(modes[name], name).toBeDefined();
    }
    expect(Object.keys(modes).some((n) => /^uploads\/[0-9a-f]{64}\/data\.csv$/.test(n))).toBe(true);
    // …and nothing is readable by other users.
    const loose = Object.entries(modes).filter(([name, m]) => {
      const isDir = statSync(join(dataDir, name)).isDirectory();
      return m !== (isDir ? '700' : '600');
    });
    expect(loose).toEqual([]);
  });

  it('fileMode: group gives a lab that shares a group 0640 / 0750', async () => {
    const { dataDir } = await runOneJob({ fileMode: 'group' });
    const modes = modesUnder(dataDir);
    const loose = Object.entries(modes).filter(([name, m]) => {
      const isDir = statSync(join(dataDir, name)).isDirectory();
      return m !== (isDir ? '750' : '640');
    });
    expect(loose).toEqual([]);
    expect(modes['runs/j1/checkpoints/last.json']).toBe('640');
  });

  it('tightens the store and folders an older worker left world-readable', async () => {
    const dataDir = tempDir();
    const first = await startWorker({ dataDir });
    await first.worker.close();
    for (const dir of ['uploads', 'runs', 'datasets']) chmodSync(join(dataDir, dir), 0o755);
    chmodSync(join(dataDir, 'worker.sqlite'), 0o644);
    const again = await startWorker({ dataDir });
    workers.push(again.worker);
    expect(octal(mode(join(dataDir, 'worker.sqlite')))).toBe('600');
    for (const dir of ['uploads', 'runs', 'datasets'])
      expect(octal(mode(join(dataDir, dir))), dir).toBe('700');
  });
});
