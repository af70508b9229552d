import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanTempDirs, requireDist, tempDir } from '../__tests__/helpers.js';
import { finalState, startWorker } from '../__tests__/workerHarness.js';
import type { Worker } from '../Worker.js';

beforeAll(requireDist);
const workers: Worker[] = [];
const secrets = {
  TRAINWIRE_KEY: 'twk_0123456789ab.worker-secret',
  TRAINWIRE_TOKEN: 'twr_0123456789ab.room-secret',
  TRAINWIRE_ADMIN_TOKEN: 'admin-secret',
  TRAINWIRE_HOME: '/home/someone/.config/trainwire',
  TRAINWIRE_CHECKPOINT_DIR: '/stale/from/the/shell',
};
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.close()));
  for (const name of [...Object.keys(secrets), 'LAB_SETTING']) delete process.env[name];
  cleanTempDirs();
});

/** A trainer that writes the environment it got to its run folder, then exits 0. */
const dumpEnv = [
  process.execPath,
  '-e',
  "require('fs').writeFileSync(process.env.TRAINWIRE_RUN_DIR + '/env.json', JSON.stringify(process.env))",
];

describe("a trainer's environment", () => {
  it("holds no trainwire secret the worker was started with, only the trainer contract's variables", async () => {
    // As `trainwire worker` runs: its key (and any other trainwire setting) in its environment.
    Object.assign(process.env, secrets, { LAB_SETTING: 'kept' });
    const dataDir = tempDir();
    const { client, events, worker } = await startWorker({
      dataDir,
      profiles: [{ id: 'dump-env', command: dumpEnv, env: { TRAINWIRE_TEST_PAUSE: '5' } }],
    });
    workers.push(worker);
    await client.request('job.start', { jobId: 'j1', spec: { profile: 'dump-env', config: {} } });
    expect((await finalState(events, 'j1')).state).toBe('completed');
    const env = JSON.parse(readFileSync(join(dataDir, 'runs', 'j1', 'env.json'), 'utf8'));

    for (const [name, value] of Object.entries(secrets)) {
      expect(env[name], name).not.toBe(value);
      expect(JSON.stringify(env)).not.toContain(value);
    }
    expect(env.TRAINWIRE_KEY).toBeUndefined();
    expect(env.TRAINWIRE_TOKEN).toBeUndefined();
    expect(env.TRAINWIRE_ADMIN_TOKEN).toBeUndefined();
    expect(env.TRAINWIRE_HOME).toBeUndefined();
    // The contract (docs/trainers.md), set by the worker for this job.
    expect(env).toMatchObject({
      TRAINWIRE_JOB_ID: 'j1',
      TRAINWIRE_RUN_DIR: join(dataDir, 'runs', 'j1'),
      TRAINWIRE_CHECKPOINT_DIR: join(dataDir, 'runs', 'j1', 'checkpoints'),
      TRAINWIRE_CONFIG: join(dataDir, 'runs', 'j1', 'config.json'),
      TRAINWIRE_DEVICE: 'cpu',
      TRAINWIRE_DATASET_DIR: join(dataDir, 'datasets'),
    });
    expect(env.TRAINWIRE_ZMQ_PUBLISH).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
    const names = Object.keys(env).filter((n) => n.startsWith('TRAINWIRE_'));
    const contract = [
      'TRAINWIRE_JOB_ID',
      'TRAINWIRE_CONFIG',
      'TRAINWIRE_RUN_DIR',
      'TRAINWIRE_CHECKPOINT_DIR',
      'TRAINWIRE_RESUME',
      'TRAINWIRE_DEVICE',
      'TRAINWIRE_ZMQ_PUBLISH',
      'TRAINWIRE_ZMQ_CONTROL',
      'TRAINWIRE_BASE_MODEL',
      'TRAINWIRE_FINE_TUNE',
      'TRAINWIRE_RUN_NAME',
      'TRAINWIRE_DATASET_DIR',
      'TRAINWIRE_MODE',
    ];
    // What the operator's profile sets is the operator's choice.
    expect(names.sort()).toEqual([...contract, 'TRAINWIRE_TEST_PAUSE'].sort());
    expect(env.TRAINWIRE_TEST_PAUSE).toBe('5');
    // Everything else of the worker's environment is inherited.
    expect(env.LAB_SETTING).toBe('kept');
    expect(env.PATH).toBe(process.env.PATH);
  });
});
