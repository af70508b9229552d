import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTrainerReader } from '@trainwire/bridge-zmq';
import type { ProgressMessage } from '@trainwire/core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  cleanTempDirs,
  isDead,
  requireDist,
  TRAINER_MAIN,
  tempDir,
  until,
} from '../__tests__/helpers.js';
import { TrainerProcess } from './TrainerProcess.js';

beforeAll(requireDist);
afterEach(cleanTempDirs);

async function startBuiltin(config: object) {
  const dir = tempDir();
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  const link = await createTrainerReader();
  const progress: ProgressMessage[] = [];
  const logs: string[] = [];
  const proc = TrainerProcess.start({
    argv: [process.execPath, TRAINER_MAIN, 'train'],
    env: {
      TRAINWIRE_JOB_ID: 'job-1',
      TRAINWIRE_CONFIG: join(dir, 'config.json'),
      TRAINWIRE_RUN_DIR: dir,
      TRAINWIRE_CHECKPOINT_DIR: join(dir, 'checkpoints'),
      TRAINWIRE_ZMQ_PUBLISH: link.publishAddress,
      TRAINWIRE_ZMQ_CONTROL: link.controlAddress,
    },
    cwd: dir,
    link,
    stopGraceMs: 20_000,
    cancelGraceMs: 2_000,
    onLog: (_, line) => logs.push(line),
    onProgress: (p) => progress.push(p),
  });
  return { proc, progress, logs, dir };
}

describe('TrainerProcess', () => {
  it('runs the built-in trainer and reads its progress over ZeroMQ', async () => {
    const { proc, progress, logs } = await startBuiltin({
      epochs: 3,
      dataset: { synthetic: { samples: 500 } },
    });
    const exit = await proc.exited;
    expect(exit).toMatchObject({ code: 0, stopRequested: false });
    expect(progress[0]).toMatchObject({ event: 'train_begin', total_epochs: 3, what: 'job-1' });
    expect(progress.filter((p) => p.event === 'epoch_end')).toHaveLength(3);
    expect(progress.at(-1)?.event).toBe('train_end');
    expect(logs.at(-1)).toMatch(/^finished after epoch 3\/3/);
  });

  it('stop: the trainer finishes its epoch, saves a checkpoint and exits 0', async () => {
    const { proc, progress, logs, dir } = await startBuiltin({
      epochs: 10_000,
      dataset: { synthetic: { samples: 2000 } },
    });
    await until(() => progress.some((p) => p.event === 'epoch_end'), 'the first epoch');
    proc.stop();
    const exit = await proc.exited;
    expect(exit).toMatchObject({ code: 0, stopRequested: true });
    expect(logs.some((l) => l.startsWith('stopped early after epoch'))).toBe(true);
    const last = JSON.parse(readFileSync(join(dir, 'checkpoints', 'last.json'), 'utf8'));
    const ends = progress.filter((p) => p.event === 'epoch_end');
    expect(last.epoch).toBe(ends.length);
    expect(last.epoch).toBeLessThan(10_000);
  });

  it('cancel ends the whole process group: no grandchild survives', async () => {
    const dir = tempDir();
    const pidFile = join(dir, 'sleeper.pid');
    const link = await createTrainerReader();
    const proc = TrainerProcess.start({
      argv: ['sh', '-c', `sleep 300 & echo $! > ${pidFile}; trap '' TERM; wait; sleep 300`],
      env: {},
      cwd: dir,
      link,
      stopGraceMs: 1_000,
      cancelGraceMs: 500,
      onLog: () => {},
      onProgress: () => {},
    });
    await until(
      () => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '',
      'the sleeper',
    );
    const sleeper = Number(readFileSync(pidFile, 'utf8'));
    proc.cancel();
    const exit = await proc.exited;
    expect(exit.cancelRequested).toBe(true);
    await until(() => isDead(sleeper), 'the sleeper to die');
    expect(isDead(proc.pid!)).toBe(true);
  });

  it('reports a program that does not exist', async () => {
    const link = await createTrainerReader();
    const proc = TrainerProcess.start({
      argv: ['sleap-nn-not-installed', 'train'],
      env: {},
      cwd: tempDir(),
      link,
      stopGraceMs: 1_000,
      cancelGraceMs: 500,
      onLog: () => {},
      onProgress: () => {},
    });
    const exit = await proc.exited;
    expect(exit.code).toBeNull();
    expect(exit.spawnError).toMatch(/sleap-nn-not-installed was not found/);
  });
});
