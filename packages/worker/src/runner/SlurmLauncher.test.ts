import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type JobEvent,
  JobManager,
  type JobSession,
  type JobSpecInput,
  registerCore,
  TRANSPORT,
} from '@trainwire/core';
import { createMemoryTransportPair } from '@trainwire/core/testing';
import { firstValueFrom } from 'rxjs';
import { filter } from 'rxjs/operators';
import { container } from 'tsyringe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanTempDirs, requireDist, TRAINER_MAIN, tempDir, until } from '../__tests__/helpers.js';
import { cancelSlurmJobs, ensureSlurm, slurmJobIdOf, squeueJob } from '../__tests__/slurm.js';
import { killWorkerProcesses, spawnWorker } from '../__tests__/spawnWorker.js';
import { noGpu } from '../__tests__/workerHarness.js';
import type { SlurmSettingsInput } from '../config/SlurmSettings.js';
import type { WorkerConfigInput } from '../config/WorkerConfig.js';
import { createWorker } from '../createWorker.js';
import type { Worker } from '../Worker.js';

// A real single-node Slurm (scripts/ensure-slurm.sh), the real built-in trainer, real
// ZeroMQ on loopback: every trainer here is an sbatch job on partition `debug`.

const quick = { epochs: 4, dataset: { synthetic: { samples: 400 } } };
/** Runs for many minutes; only `best` and `last` are saved (each epoch). */
const long = { epochs: 100_000, checkpointEvery: 0, dataset: { synthetic: { samples: 2000 } } };
/** A trainer that ignores the stop command and sends no progress: only SIGINT ends it. */
const SIGINT_ONLY = {
  id: 'sigint-only',
  configProfile: 'builtin',
  command: [
    '/bin/sh',
    '-c',
    'trap \'echo "got SIGINT"; exit 0\' INT; echo waiting; while :; do sleep 0.1; done',
  ],
};

const jobIds: string[] = [];
const workers: Worker[] = [];
const cleanups: Array<() => Promise<void> | void> = [];

beforeAll(() => {
  requireDist();
  ensureSlurm();
}, 300_000);

afterAll(async () => {
  killWorkerProcesses();
  cancelSlurmJobs(jobIds);
  for (const cleanup of cleanups.splice(0)) await cleanup();
  await Promise.all(workers.splice(0).map((w) => w.close()));
  cleanTempDirs();
});

/** A worker on Slurm (`launcher: slurm`, partition debug) with a JobManager over a memory transport. */
async function slurmWorker(
  slurm: SlurmSettingsInput = {},
  config: Partial<WorkerConfigInput> = {},
) {
  const dataDir = tempDir('tw-slurm-');
  const worker = await createWorker(
    {
      dataDir,
      maxConcurrentJobs: 4,
      launcher: 'slurm',
      slurm: { partition: 'debug', pollIntervalMs: 300, ...slurm },
      ...config,
    },
    { runCommand: noGpu, builtinTrainer: TRAINER_MAIN },
  );
  workers.push(worker);
  const [client, workerEnd] = createMemoryTransportPair();
  worker.accept(workerEnd);
  await Promise.all([client.connect(), workerEnd.connect()]);
  const scope = container.createChildContainer();
  registerCore(scope);
  scope.register(TRANSPORT, { useValue: client });
  cleanups.push(async () => {
    await client.close();
    scope.dispose();
  });
  const manager = scope.resolve(JobManager);
  const submit = (spec: JobSpecInput) => {
    const session = manager.submit(spec);
    jobIds.push(session.jobId);
    const events: JobEvent[] = [];
    session.events$.subscribe((e) => events.push(e));
    return { session, events };
  };
  return { worker, dataDir, submit };
}

function untilState(session: JobSession, state: string): Promise<unknown> {
  return firstValueFrom(session.state$.pipe(filter((s) => s === state)));
}

function untilEpoch(session: JobSession): Promise<unknown> {
  return firstValueFrom(session.progress$.pipe(filter((p) => p.history.length > 0)));
}

describe('the Slurm launcher on a real single-node Slurm', () => {
  // A time limit is enforced at minute granularity (at most 30 s late): the slowest test,
  // started first and checked last, while the others run beside it.
  let timeLimited: ReturnType<Awaited<ReturnType<typeof slurmWorker>>['submit']>;
  let timeLimitedDir: string;
  beforeAll(async () => {
    const { submit, dataDir } = await slurmWorker({ timeLimit: '1' });
    timeLimitedDir = dataDir;
    timeLimited = submit({ profile: 'builtin', config: long, name: 'over-time' });
  });

  it('trains the built-in model as a Slurm job: every epoch over ZeroMQ, its output, its model', async () => {
    const { submit, dataDir } = await slurmWorker();
    const { session, events } = submit({ profile: 'builtin', config: quick, name: 'spirals' });
    const slurmId = await slurmJobIdOf(dataDir, session.jobId);
    const final = await session.done;
    expect(final.state).toBe('completed');
    expect(final.progress.history.map((e) => e.epoch)).toEqual([0, 1, 2, 3]);
    expect(final.artifacts.some((a) => a.kind === 'model')).toBe(true);
    // Its stdout came back from the file Slurm wrote in the run folder.
    expect(final.logs.some((l) => l.line.startsWith('finished after epoch 4/4'))).toBe(true);
    expect(
      final.logs.some((l) => /^\[slurm\] running on node \S+ \(Slurm job \d+\)$/.test(l.line)),
    ).toBe(true);
    const states = events.flatMap((e) => (e.type === 'state' ? [e.state] : []));
    expect(states).toContain('running');
    expect(states.at(-1)).toBe('completed');
    // Slurm ran it: the job is there, completed, and wrote the output file.
    expect(squeueJob(slurmId).state).toBe('COMPLETED');
    expect(existsSync(join(dataDir, 'runs', session.jobId, `slurm-${slurmId}.out`))).toBe(true);
    const script = readFileSync(join(dataDir, 'runs', session.jobId, 'slurm-job.sh'), 'utf8');
    expect(script).toContain(`exec '${process.execPath}' '${TRAINER_MAIN}' 'train'`);
  });

  it('a held job is queued with Slurm’s reason, then runs once released', async () => {
    const { submit, dataDir } = await slurmWorker({ sbatchOptions: ['--hold'] });
    const { session, events } = submit({ profile: 'builtin', config: quick });
    const slurmId = await slurmJobIdOf(dataDir, session.jobId);
    await untilState(session, 'queued');
    const queued = events.find((e) => e.type === 'state' && e.state === 'queued');
    expect(queued).toMatchObject({
      reason: expect.stringMatching(
        new RegExp(
          `^Slurm job ${slurmId} is pending \\(JobHeld(User|Admin)\\): .*scontrol release ${slurmId}`,
        ),
      ),
    });
    expect(session.getSnapshot().logs.some((l) => l.line.includes('is pending (JobHeld'))).toBe(
      true,
    );
    expect(squeueJob(slurmId).state).toBe('PENDING');
    execFileSync('scontrol', ['release', slurmId]);
    const final = await session.done;
    expect(final.state).toBe('completed');
    expect(final.progress.history).toHaveLength(4);
  });

  it('cancel of a queued job takes it out of the queue: cancelled, nothing ran', async () => {
    const { submit, dataDir } = await slurmWorker({ sbatchOptions: ['--hold'] });
    const { session, events } = submit({ profile: 'builtin', config: quick });
    const slurmId = await slurmJobIdOf(dataDir, session.jobId);
    await untilState(session, 'queued');
    await session.cancel();
    const final = await session.done;
    expect(final.state).toBe('cancelled');
    const last = events.filter((e) => e.type === 'state').at(-1);
    expect(last).toMatchObject({ reason: expect.stringContaining('while it waited to start') });
    expect(squeueJob(slurmId)).toMatchObject({ state: 'CANCELLED', nodes: '' });
  });

  it('stop: the trainer finishes its epoch and saves; the job completes stopped early', async () => {
    const { submit } = await slurmWorker();
    const { session } = submit({ profile: 'builtin', config: long });
    await untilEpoch(session);
    await session.stop();
    const final = await session.done;
    expect(final.state).toBe('completed');
    expect(final.progress.history.length).toBeLessThan(10_000);
    expect(final.artifacts.some((a) => a.kind === 'model')).toBe(true);
  });

  it('stop reaches a trainer that ignores the stop command as scancel --signal=INT', async () => {
    const { submit } = await slurmWorker({}, { profiles: [SIGINT_ONLY], stopGraceMs: 300 });
    const { session } = submit({ profile: 'sigint-only', config: quick });
    await until(
      () => session.getSnapshot().logs.some((l) => l.line === 'waiting'),
      'the trainer to run',
      30_000,
    );
    await session.stop();
    const final = await session.done;
    expect(final.state).toBe('completed');
    expect(final.logs.some((l) => l.line === 'got SIGINT')).toBe(true);
  });

  it('cancel ends the Slurm job: the job is cancelled, Slurm says CANCELLED', async () => {
    const { submit, dataDir } = await slurmWorker();
    const { session } = submit({ profile: 'builtin', config: long });
    const slurmId = await slurmJobIdOf(dataDir, session.jobId);
    await untilEpoch(session);
    await session.cancel();
    const final = await session.done;
    expect(final.state).toBe('cancelled');
    await until(() => squeueJob(slurmId).state === 'CANCELLED', 'Slurm to end the job');
  });

  it('a job Slurm refuses fails at once with sbatch’s words and the settings to check', async () => {
    const { submit } = await slurmWorker({ partition: 'no-such-partition' });
    const { session } = submit({ profile: 'builtin', config: quick });
    const final = await session.done;
    expect(final.state).toBe('failed');
    expect(final.error).toMatchObject({
      code: 'spawn_failed',
      message: expect.stringMatching(
        /^the trainer could not be started: Slurm did not take the job: invalid partition specified: no-such-partition; .*; check slurm\.partition, /,
      ),
    });
  });

  it('a worker killed while its Slurm job runs: the restarted worker cancels the job and ends it failed', async () => {
    const dataDir = tempDir('tw-slurm-');
    const slurm = { launcher: 'slurm', slurm: { partition: 'debug', pollIntervalMs: 300 } };
    jobIds.push('orphan');
    const child = spawnWorker(dataDir, { jobId: 'orphan', config: long }, slurm);
    await child.waitFor(
      (l) => (l.event as { artifact?: { label?: string } })?.artifact?.label === 'last',
      'a checkpoint',
    );
    const slurmId = readFileSync(join(dataDir, 'runs', 'orphan', 'slurm-job-id'), 'utf8').trim();
    child.child.kill('SIGKILL');
    await child.exited;
    expect(squeueJob(slurmId).state).toBe('RUNNING');
    const worker = await createWorker({ dataDir, ...slurm } as WorkerConfigInput, {
      runCommand: noGpu,
      builtinTrainer: TRAINER_MAIN,
    });
    workers.push(worker);
    const record = worker.jobs.getJob('orphan');
    expect(record?.state).toBe('failed');
    expect(record?.error?.message).toContain(
      `its Slurm job ${slurmId} was still running and was stopped`,
    );
    expect(record?.error?.message).toMatch(/resume with: /);
    expect(squeueJob(slurmId).state).toBe('CANCELLED');
  });

  it('a job past its Slurm time limit ends failed with Slurm’s reason and the resume command', async () => {
    const final = await timeLimited.session.done;
    expect(final.state).toBe('failed');
    expect(final.error).toMatchObject({
      code: 'trainer_failed',
      message: expect.stringMatching(
        /^the trainer reached its Slurm time limit \(1:00; job \d+ on \S+, TimeLimit\); raise slurm\.timeLimit in worker\.yaml after \d+ epoch\(s\); last checkpoint .+; resume with: /,
      ),
      details: expect.objectContaining({
        launcher: 'slurm',
        slurmState: 'TIMEOUT',
        slurmReason: 'TimeLimit',
        resumeCommand: expect.stringContaining('trainwire train'),
      }),
    });
    const last = timeLimited.events.filter((e) => e.type === 'state').at(-1);
    expect(last).toMatchObject({ reason: expect.stringContaining('reached its Slurm time limit') });
    expect(
      existsSync(join(timeLimitedDir, 'runs', timeLimited.session.jobId, 'slurm-job-id')),
    ).toBe(false);
  }, 150_000);
});
