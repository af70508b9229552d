import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanTempDirs, requireDist, TRAINER_MAIN, tempDir } from '../__tests__/helpers.js';

beforeAll(requireDist);
afterEach(cleanTempDirs);

function run(config: unknown, mode = 'train', extraEnv: Record<string, string> = {}) {
  const dir = tempDir();
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  const result = spawnSync(process.execPath, [TRAINER_MAIN, mode], {
    env: {
      PATH: process.env.PATH ?? '',
      TRAINWIRE_JOB_ID: 'job-1',
      TRAINWIRE_CONFIG: join(dir, 'config.json'),
      TRAINWIRE_RUN_DIR: dir,
      TRAINWIRE_CHECKPOINT_DIR: join(dir, 'ckpt'),
      ...extraEnv,
    },
    encoding: 'utf8',
  });
  return { ...result, dir };
}

describe('built-in trainer process', () => {
  it('exits 2 on a bad config, naming the field', () => {
    const result = run({ epochs: 3, learningRate: -1 });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/invalid trainer config: learningRate/);
  });

  it('exits 2 on a missing environment variable, naming it', () => {
    const result = run({}, 'train', { TRAINWIRE_CHECKPOINT_DIR: '' });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/TRAINWIRE_CHECKPOINT_DIR/);
  });

  it('trains without ZeroMQ (no publish address) and writes checkpoints', () => {
    const result = run({ epochs: 2, checkpointEvery: 0, dataset: { synthetic: { samples: 200 } } });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/finished after epoch 2\/2/);
    expect(existsSync(join(result.dir, 'ckpt', 'last.json'))).toBe(true);
    expect(existsSync(join(result.dir, 'ckpt', 'epoch-0001.json'))).toBe(false);
  });

  it('generate-dataset refuses to overwrite unless told', () => {
    const config = { name: 'spirals', samples: 50, format: 'jsonl' };
    const first = run(config, 'generate-dataset');
    expect(first.status).toBe(0);
    expect(first.stdout).toContain('trainwire:artifact');
    const dir = first.dir;
    const again = spawnSync(process.execPath, [TRAINER_MAIN, 'generate-dataset'], {
      env: {
        PATH: process.env.PATH ?? '',
        TRAINWIRE_JOB_ID: 'job-2',
        TRAINWIRE_CONFIG: join(dir, 'config.json'),
        TRAINWIRE_RUN_DIR: dir,
        TRAINWIRE_CHECKPOINT_DIR: join(dir, 'ckpt'),
      },
      encoding: 'utf8',
    });
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/already exists.*"overwrite": true/);
  });
});
