import { randomBytes } from 'node:crypto';
import {
  closeSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type FaultLab, smallConfig, withFaultLab } from './faultLab.js';
import { recordFault } from './faultRecord.js';
import { pacedTrainArgs, sleep } from './faultSteps.js';
import { storeIntegrity } from './storeIntegrity.js';
import { tail } from './trackedProcess.js';
import { trainWithUpload } from './uploads.js';

/** Fills the file system of `dir` to the last byte with one file; returns its path and size. */
function fillDisk(dir: string): { path: string; bytes: number } {
  const path = join(dir, 'filler.bin');
  const fd = openSync(path, 'w');
  let bytes = 0;
  try {
    for (const size of [1024 * 1024, 4096, 1]) {
      const chunk = Buffer.alloc(size, 1);
      for (;;) {
        try {
          bytes += writeSync(fd, chunk);
        } catch {
          break;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
  return { path, bytes };
}

/** Every file under `dir`, relative, with its size. */
function filesUnder(dir: string): Array<{ path: string; size: number }> {
  return (readdirSync(dir, { recursive: true }) as string[])
    .filter((path) => statSync(join(dir, path)).isFile())
    .map((path) => ({ path, size: statSync(join(dir, path)).size }));
}

/** Stops the worker (Ctrl-C, then kill) and checks its store. */
async function stopAndCheckStore(lab: FaultLab): Promise<string> {
  lab.worker.kill('SIGINT');
  if ((await lab.worker.exitWithin(15_000)) === undefined) {
    lab.worker.kill('SIGKILL');
    await lab.worker.exited;
  }
  return storeIntegrity(lab.workerDataDir);
}

const RAW_ONLY = /^(Error: )?(ENOSPC|SQLITE_FULL|SqliteError)[^a-z]*$/m;

// A tmpfs of 100 MiB is the worker's data dir; the worker keeps 64 MiB free by default.
describe.concurrent('fault: the worker’s disk is full', () => {
  it('during training: the job fails saying so, with its last checkpoint; no half-written file; the worker stays up and refuses work until there is space; the store is intact', async (context) => {
    const scenario = recordFault(context, {
      id: 'i1-disk-full-training',
      group: '4 disk',
      fault: 'the worker’s data dir (a 100 MiB tmpfs) filled to the last byte mid-job',
      tried:
        '`train --profile paced`, 20 epochs of ~0.5 s, disk filled after epoch 3; then `workers`, another `train`, the space freed, `train` again; then `PRAGMA integrity_check`',
    });
    await withFaultLab({ epochPauseMs: 500, workerTmpfs: '100m' }, async (lab) => {
      const config = lab.writeConfig('i1.json', smallConfig(20));
      const args = pacedTrainArgs(lab, config);
      const train = lab.client(args);
      await train.waitForLine(/^Epoch 3\/20/, { stream: 'stdout', timeoutMs: 60_000 });
      const filler = fillDisk(lab.workerDataDir);
      scenario.measure('filler MiB', filler.bytes / 1048576);
      const ended = await train.exitWithin(45_000);
      if (ended === undefined) train.kill('SIGKILL');
      const out = train.stdout() + train.stderr();
      const errorLine = /^Error: .*$/m.exec(train.stdout())?.[0];
      scenario.measure('train exit code', ended?.code ?? 'none');
      scenario.saw(
        `train: ${ended === undefined ? 'still running 45 s after the disk filled' : `exit ${ended.code}`}; ${errorLine ?? 'no "Error:" line'}`,
      );
      const workerUp = lab.worker.running();
      const listed = await lab.clientRun(['workers']);
      const refused = await lab.clientRun(args);
      scenario.saw(
        `worker ${workerUp ? 'still running' : 'died'}; another train while full: exit ${refused.code}: ${(refused.stderr.trim().split('\n').at(-1) ?? '').slice(0, 200)}`,
      );
      rmSync(filler.path);
      await sleep(1_000);
      const after = await lab.clientRun([
        ...args.slice(0, -2),
        '--config',
        lab.writeConfig('i1b.json', smallConfig(2)),
      ]);
      scenario.saw(`after freeing the space: train exit ${after.code}`);
      const runs = join(lab.workerDataDir, 'runs');
      const broken = filesUnder(runs)
        .filter((f) => f.path.endsWith('.json') && f.path.includes('checkpoints'))
        .filter((f) => {
          try {
            JSON.parse(readFileSync(join(runs, f.path), 'utf8'));
            return false;
          } catch {
            return true;
          }
        });
      const integrity = await stopAndCheckStore(lab);
      scenario.measure('half-written checkpoints', broken.length);
      scenario.saw(`integrity_check: ${integrity}`);

      expect(ended, tail(train.lines)).toBeDefined();
      expect(ended!.code, out).toBe(1);
      expect(train.stdout()).toContain('Remote Training Failed');
      expect(errorLine, out).toMatch(/disk|space/i);
      expect(train.stdout()).not.toMatch(RAW_ONLY);
      expect(train.stdout()).toMatch(/^Last checkpoint: /m);
      expect(workerUp, tail(lab.worker.lines)).toBe(true);
      expect(listed.stdout).toMatch(/w1/);
      expect(refused.code).not.toBe(0);
      expect(refused.stdout + refused.stderr).toMatch(/space/i);
      expect(after.code, after.stderr).toBe(0);
      expect(broken.map((f) => f.path)).toEqual([]);
      expect(integrity).toBe('ok');
    });
  }, 180_000);

  it('during an upload: a clear error, no half-written file, the worker stays up, the store is intact; an upload that cannot fit is refused up front', async (context) => {
    const scenario = recordFault(context, {
      id: 'i2-disk-full-upload',
      group: '4 disk',
      fault: 'the worker’s data dir (a 100 MiB tmpfs) filled to the last byte during an upload',
      tried:
        '`train --upload blob=FILE` (8 MiB, link capped at 1.5 MB/s), disk filled at ≥ 20 %; then a 48 MiB upload that cannot fit; then `PRAGMA integrity_check`',
    });
    await withFaultLab({ epochPauseMs: 100, workerTmpfs: '100m' }, async (lab) => {
      const config = lab.writeConfig('i2.json', smallConfig(2));
      const upload = (file: string) => lab.client(trainWithUpload(lab, file, config));
      const file = join(lab.dir, 'eight.bin');
      writeFileSync(file, randomBytes(8 * 1024 * 1024));
      await lab.net.set({ rateBytesPerSec: 1_500_000 });
      const first = upload(file);
      await first.waitForLine(/^Uploading [^\n]*?: ([2-8]\d)% of/, {
        stream: 'stdout',
        timeoutMs: 60_000,
      });
      const filler = fillDisk(lab.workerDataDir);
      const ended = await first.exitWithin(60_000);
      if (ended === undefined) first.kill('SIGKILL');
      await lab.net.set({ rateBytesPerSec: 0 });
      const said = `${first.stdout()}${first.stderr()}`;
      const lastWords = first.stderr().trim().split('\n').at(-1) ?? '';
      scenario.measure('upload exit code', ended?.code ?? 'none');
      scenario.saw(
        `upload while the disk filled: ${ended === undefined ? 'still running 60 s later' : `exit ${ended.code}`}: ${lastWords.slice(0, 200)}`,
      );
      rmSync(filler.path);
      const uploadsAfterFirst = filesUnder(join(lab.workerDataDir, 'uploads')).filter(
        (f) => f.size > 0,
      );

      const big = join(lab.dir, 'big.bin');
      writeFileSync(big, randomBytes(48 * 1024 * 1024));
      const second = upload(big);
      const secondEnd = await second.exitWithin(60_000);
      if (secondEnd === undefined) second.kill('SIGKILL');
      const secondSaid = `${second.stdout()}${second.stderr()}`;
      const sentPercents = [...second.stdout().matchAll(/: (\d+)% of/g)].map((m) => Number(m[1]));
      scenario.measure('too-big upload exit code', secondEnd?.code ?? 'none');
      scenario.measure('too-big upload: highest % shown', Math.max(0, ...sentPercents));
      scenario.saw(
        `48 MiB upload: ${secondEnd === undefined ? 'still running 60 s later' : `exit ${secondEnd.code}`}: ${(second.stderr().trim().split('\n').at(-1) ?? '').slice(0, 200)}`,
      );
      const workerUp = lab.worker.running();
      const leftovers = filesUnder(join(lab.workerDataDir, 'uploads')).filter((f) => f.size > 0);
      const integrity = await stopAndCheckStore(lab);
      scenario.measure('partial files left', leftovers.length);
      scenario.saw(`integrity_check: ${integrity}`);

      expect(ended, tail(first.lines)).toBeDefined();
      expect(ended!.code).not.toBe(0);
      expect(said).toMatch(/disk|space|room/i);
      expect(said).not.toMatch(RAW_ONLY);
      expect(uploadsAfterFirst.map((f) => f.path)).toEqual([]);
      expect(secondEnd, tail(second.lines)).toBeDefined();
      expect(secondEnd!.code).not.toBe(0);
      expect(secondSaid).toMatch(/space|room/i);
      expect(Math.max(0, ...sentPercents)).toBeLessThan(100);
      expect(workerUp, tail(lab.worker.lines)).toBe(true);
      expect(leftovers.map((f) => f.path)).toEqual([]);
      expect(integrity).toBe('ok');
    });
  }, 240_000);
});
