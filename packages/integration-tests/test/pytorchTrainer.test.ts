import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EpochRecord, JobSession } from '@trainwire/core';
import { filter, firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { range } from './jobEvents.js';
import {
  ensureTorch,
  groupAlive,
  processesOfJob,
  startTorchLab,
  type TorchLab,
} from './pytorchLab.js';

// The worker's PyTorch trainer (packages/worker/trainers/pytorch) run for real: Debian's
// torch on the CPU, its progress over ZeroMQ into a worker loaded from a worker.yaml with a
// `pytorch` profile, and the job followed by a client over WebRTC on loopback.

/** Under a second an epoch on this machine: long enough to stop in the middle of a run. */
const CONFIG = { epochs: 6, samples: 960 };

let lab: TorchLab;
/** The uninterrupted run every other run is compared with. */
let reference: readonly EpochRecord[];

beforeAll(async () => {
  const check = ensureTorch();
  expect(check.ok, JSON.stringify(check)).toBe(true);
  lab = await startTorchLab();
});

afterAll(async () => {
  await lab?.close();
});

/** Resolves once the client has seen `epochs` epochs end. */
function epochsSeen(session: JobSession, epochs: number): Promise<unknown> {
  return firstValueFrom(session.progress$.pipe(filter((p) => p.history.length >= epochs)));
}

/** The job's last state event, as the worker stored it. */
function endingOf(jobId: string) {
  return lab.worker.jobs
    .eventsAfter(jobId, 0)
    .filter((e) => e.type === 'state')
    .at(-1);
}

/** Half-written files left in the job's checkpoint folder. */
function partialCheckpoints(jobId: string): string[] {
  return readdirSync(join(lab.runDir(jobId), 'checkpoints')).filter((f) => f.endsWith('.tmp'));
}

/** Every line the trainer printed, as the client received them. */
function collectLogs(session: JobSession): string[] {
  const lines: string[] = [];
  session.logs$.subscribe((l) => lines.push(l.line));
  return lines;
}

describe('the PyTorch trainer through a worker (real torch, ZeroMQ and WebRTC)', () => {
  it('trains every epoch: train/loss and val/loss reach the client, the loss falls, best and last are kept', async () => {
    const session = lab.manager.submit({ profile: 'pytorch', config: CONFIG, name: 'keypoints' });
    const final = await session.done;
    expect(final.state, JSON.stringify(final.error)).toBe('completed');
    const history = final.progress.history;
    expect(history.map((h) => h.epoch)).toEqual(range(0, 5));
    for (const { logs } of history) {
      expect(logs['train/loss']).toEqual(expect.any(Number));
      expect(logs['val/loss']).toEqual(expect.any(Number));
      expect(logs['val/pixel_error']).toEqual(expect.any(Number));
    }
    expect(history[5]!.logs['val/loss']!).toBeLessThan(history[0]!.logs['val/loss']! * 0.8);
    expect(final.progress.totalEpochs).toBe(6);

    const checkpoints = final.artifacts.filter((a) => a.kind === 'checkpoint');
    expect(checkpoints.map((a) => a.label)).toEqual(expect.arrayContaining(['best', 'last']));
    expect(checkpoints.filter((a) => a.label === undefined).map((a) => a.epoch)).toEqual(
      expect.arrayContaining(range(0, 5)),
    );
    const model = final.artifacts.find((a) => a.kind === 'model');
    expect(model?.path).toMatch(/best\.pt$/);
    expect(partialCheckpoints(session.jobId)).toEqual([]);
    // batch_end came through too, with the batch loss.
    const batches = lab.worker.jobs
      .eventsAfter(session.jobId, 0)
      .filter((e) => e.type === 'progress' && e.progress.event === 'batch_end');
    expect(batches.length).toBeGreaterThan(0);
    reference = history;
  });

  it('Stop finishes the epoch and saves; a resume from its checkpoint continues exactly as the uninterrupted run', async () => {
    const session = lab.manager.submit({ profile: 'pytorch', config: CONFIG, name: 'stopped' });
    const logs = collectLogs(session);
    await epochsSeen(session, 1);
    await session.stop();
    const stopped = await session.done;
    expect(stopped.state, JSON.stringify(stopped.error)).toBe('completed');
    expect(endingOf(session.jobId)).toMatchObject({
      state: 'completed',
      reason: 'stopped_early',
      exitCode: 0,
    });
    expect(logs).toContain(
      'stop requested (stop command): finishing the epoch and saving a checkpoint',
    );
    const done = stopped.progress.history.length;
    expect(done).toBeGreaterThan(0);
    expect(done).toBeLessThan(6);
    expect(stopped.progress.history.map((h) => h.epoch)).toEqual(range(0, done - 1));
    expect(stopped.progress.history.map((h) => h.logs)).toEqual(
      reference.slice(0, done).map((h) => h.logs),
    );
    const last = stopped.artifacts.find((a) => a.kind === 'checkpoint' && a.label === 'last');
    expect(last && existsSync(last.path)).toBe(true);
    expect(stopped.artifacts.some((a) => a.kind === 'checkpoint' && a.epoch === done - 1)).toBe(
      true,
    );

    const resumed = lab.manager.submit({
      profile: 'pytorch',
      config: CONFIG,
      name: 'resumed',
      resume: last!.path,
    });
    const resumedLogs = collectLogs(resumed);
    const final = await resumed.done;
    expect(final.state, JSON.stringify(final.error)).toBe('completed');
    expect(resumedLogs).toContain(`resuming from ${last!.path} at epoch ${done + 1}/6`);
    expect(final.progress.startEpoch).toBe(done);
    expect(final.progress.history.map((h) => h.epoch)).toEqual(range(done, 5));
    // Bit for bit: the same losses as the run that was never stopped.
    expect(final.progress.history.map((h) => h.logs)).toEqual(
      reference.slice(done).map((h) => h.logs),
    );
  });

  it('Cancel ends the trainer and its whole process group, and the job is cancelled', async () => {
    const session = lab.manager.submit({
      profile: 'pytorch',
      config: { ...CONFIG, epochs: 100 },
      name: 'cancelled',
    });
    await epochsSeen(session, 1);
    const pid = Number(readFileSync(join(lab.runDir(session.jobId), 'trainer.pid'), 'utf8'));
    expect(processesOfJob(session.jobId)).toContain(pid);
    await session.cancel();
    const final = await session.done;
    expect(final.state).toBe('cancelled');
    expect(final.progress.history.length).toBeLessThan(100);
    expect(groupAlive(pid)).toBe(false);
    expect(processesOfJob(session.jobId)).toEqual([]);
    expect(partialCheckpoints(session.jobId)).toEqual([]);
  });

  it('a bad config is refused by the client naming the field; sent unchecked, the trainer fails it with exit code 2', async () => {
    // The client knows the pytorch profile (core's schema agrees with the trainer's table):
    // it refuses before anything reaches the worker.
    const refused = await lab.manager.submit({ profile: 'pytorch', config: { epochs: 'ten' } })
      .done;
    expect(refused.state).toBe('failed');
    expect(refused.error?.code).toBe('config_invalid');
    expect(refused.error?.message).toContain('epochs');
    expect(lab.worker.jobs.getJob(refused.jobId)).toBeUndefined();

    // A client that does not know the profile sends it as it is: the trainer itself refuses.
    const session = lab.uncheckedManager.submit({
      profile: 'pytorch',
      config: { epochs: 'ten' },
    });
    const logs = collectLogs(session);
    const final = await session.done;
    expect(final.state).toBe('failed');
    expect(endingOf(session.jobId)).toMatchObject({ state: 'failed', exitCode: 2 });
    expect(logs).toContain(
      "error: config field epochs must be an integer from 1 to 100000 (total epochs; a resumed run continues up to it); got 'ten'",
    );
  });
});
