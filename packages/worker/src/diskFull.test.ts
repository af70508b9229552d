import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanTempDirs, requireDist, tempDir } from './__tests__/helpers.js';
import { finalState, startWorker } from './__tests__/workerHarness.js';
import type { Worker } from './Worker.js';

// A real small disk: a tmpfs of a few hundred KiB as the worker's data dir (needs root).
const mounts: string[] = [];
function smallDisk(size: string): string {
  const dir = tempDir('tw-full-');
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
  mounts.push(dir);
  return dir;
}
const canMount = (() => {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  try {
    execFileSync('umount', [smallDisk('64k')]);
    mounts.pop();
    return true;
  } catch {
    return false;
  }
})();

beforeAll(requireDist);
const workers: Worker[] = [];
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.close()));
  for (const dir of mounts.splice(0)) execFileSync('umount', ['-l', dir]);
  cleanTempDirs();
});
afterAll(() => {
  for (const dir of mounts.splice(0)) execFileSync('umount', ['-l', dir]);
});

/** Small checkpoints (a few KiB), one per epoch: the disk fills after some epochs. */
const long = { epochs: 10_000, hiddenLayers: [8], dataset: { synthetic: { samples: 400 } } };
const KiB = 1024;

/** A disk of `size` where an old dataset of `taken` bytes leaves a few hundred KiB free. */
async function setup(size: string, taken = 0) {
  const dataDir = smallDisk(size);
  mkdirSync(join(dataDir, 'datasets'));
  writeFileSync(join(dataDir, 'datasets', 'old.csv'), Buffer.alloc(taken));
  const started = await startWorker({ dataDir, name: 'w1', minFreeBytes: 32 * KiB });
  workers.push(started.worker);
  return { ...started, dataDir };
}

/** Takes every byte left on the disk of `dataDir`; returns the file that holds them. */
function fillDisk(dataDir: string): string {
  const filler = join(dataDir, 'datasets', 'filler');
  try {
    writeFileSync(filler, Buffer.alloc(4096 * KiB));
  } catch {
    // Filled to the last byte.
  }
  return filler;
}

function integrity(dataDir: string): string {
  const db = new Database(join(dataDir, 'worker.sqlite'), { readonly: true });
  try {
    return db.pragma('integrity_check', { simple: true }) as string;
  } finally {
    db.close();
  }
}

describe.skipIf(!canMount)('a full disk', () => {
  it('training: the worker survives, the job fails "disk full" with its last checkpoint, new jobs are refused until there is room', async () => {
    const { client, events, worker, dataDir } = await setup('2m', 1_400 * KiB);
    await client.request('job.start', { jobId: 'f1', spec: { profile: 'builtin', config: long } });
    const end = await finalState(events, 'f1');
    expect(end).toMatchObject({
      state: 'failed',
      reason: 'disk full',
      error: {
        code: 'no_space',
        message: expect.stringMatching(
          new RegExp(
            `^the disk of w1 is full \\(.* free in its data dir ${dataDir}\\), so the job was stopped after epoch \\d+; last checkpoint .*; free space there, then resume with: trainwire train .* --resume `,
          ),
        ),
      },
    });
    const details = end.error?.details as { lastCheckpoint: string; epoch: number };
    expect(details.epoch).toBeGreaterThan(0);
    expect(existsSync(details.lastCheckpoint)).toBe(true);
    // Stored as it was pushed: the client and the store agree on the final event.
    const stored = worker.jobs.eventsAfter('f1', 0);
    expect(stored.at(-1)).toEqual(end);
    expect(events.filter((e) => e.jobId === 'f1').map((e) => e.seq)).toEqual(
      stored.map((e) => e.seq),
    );
    expect(worker.jobs.getJob('f1')).toMatchObject({ state: 'failed' });

    // While the disk stays full (something else holds the space), new work is refused.
    const filler = fillDisk(dataDir);
    await expect(
      client.request('job.start', { jobId: 'f2', spec: { profile: 'builtin', config: long } }),
    ).rejects.toMatchObject({
      code: 'no_space',
      message: expect.stringMatching(/w1 is short of disk space: .* free space there/),
    });
    expect(worker.jobs.getJob('f2')).toBeUndefined();
    // Room again (the operator removes the filler and an old dataset): work is taken again.
    rmSync(filler);
    rmSync(join(dataDir, 'datasets', 'old.csv'));
    await client.request('job.start', {
      jobId: 'f3',
      spec: { profile: 'builtin', config: { ...long, epochs: 2 } },
    });
    expect(await finalState(events, 'f3')).toMatchObject({ state: 'completed' });
    expect(integrity(dataDir)).toBe('ok');
  });

  it('uploads: one that cannot fit is refused at upload.begin; one that fills the disk midway leaves no half file', async () => {
    const { client, dataDir } = await setup('600k');
    const big = { name: 'big.bin', size: 4 * 1024 * KiB, sha256: 'a'.repeat(64) };
    await expect(client.request('upload.begin', big)).rejects.toMatchObject({
      code: 'no_space',
      message: expect.stringMatching(/^w1 has no room for big\.bin: 4\.0 MiB more to receive/),
    });

    const bytes = Buffer.alloc(64 * KiB, 7);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const begun = await client.request('upload.begin', {
      name: 'd.bin',
      size: bytes.length,
      sha256,
    });
    if (begun.have) throw new Error('unexpected');
    // Something else takes the space while the bytes are on their way.
    const filler = fillDisk(dataDir);
    const writer = await client.transport.openByteStream({
      id: begun.transferId,
      name: 'd.bin',
      size: bytes.length,
      sha256,
      offset: 0,
    });
    // The worker turns the rest of the bytes down, saying why (its write failed)...
    const sending = (async () => {
      for (let k = 0; k < bytes.length; k += 8 * KiB)
        await writer.write(bytes.subarray(k, k + 8 * KiB));
      await writer.end();
    })();
    await expect(sending).rejects.toMatchObject({
      code: 'stream_refused',
      message: expect.stringMatching(/ENOSPC/),
    });
    // ...and upload.finish (which core's uploadFile asks next) gives its verdict.
    await expect(
      client.request('upload.finish', { transferId: begun.transferId }),
    ).rejects.toMatchObject({
      code: 'no_space',
      message: expect.stringMatching(
        /^the disk of w1 is full .*: d\.bin \(64 KiB\) did not fit and what had arrived was removed; free space there, then try again$/,
      ),
    });
    expect(readdirSync(join(dataDir, 'uploads', '.partial'))).toEqual([]);
    expect(existsSync(join(dataDir, 'uploads', sha256))).toBe(false);
    expect(integrity(dataDir)).toBe('ok');

    rmSync(filler);
    const again = await client.request('upload.begin', {
      name: 'd.bin',
      size: bytes.length,
      sha256,
    });
    expect(again).toMatchObject({ have: false, offset: 0 });
  });
});
