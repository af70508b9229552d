import { describe, expect, it } from 'vitest';
import { buildResumeCommand } from './buildResumeCommand.js';
import { describeFailure } from './describeFailure.js';
import { JobSession } from './JobSession.js';
import type { JobEvent } from './schemas/JobEvent.js';
import { JobSpecSchema } from './schemas/JobSpec.js';

const spec = JobSpecSchema.parse({ profile: 'builtin', config: { epochs: 100 } });
const link = {
  fetchEvents: async () => [],
  stop: async () => undefined,
  cancel: async () => undefined,
};

/** A job that ran `from`…`to` (0-based) of 100 epochs and then ended with `end`. */
async function ran(from: number, to: number, end: Partial<JobEvent>) {
  const session = new JobSession({
    jobId: 'j1',
    spec,
    link,
    totalEpochs: 100,
    workerName: 'gpu-1',
  });
  let seq = 1;
  session.ingest({ jobId: 'j1', seq: seq++, ts: 0, type: 'state', state: 'running' });
  for (let epoch = from; epoch <= to; epoch++) {
    session.ingest({
      jobId: 'j1',
      seq: seq++,
      ts: seq,
      type: 'progress',
      progress: { event: 'epoch_begin', epoch },
    });
    session.ingest({
      jobId: 'j1',
      seq: seq++,
      ts: seq,
      type: 'progress',
      progress: { event: 'epoch_end', epoch, logs: { loss: 1 } },
    });
  }
  session.ingest({ jobId: 'j1', seq, ts: seq, type: 'state', ...end } as JobEvent);
  return session.done;
}

describe('the failure summary both views show', () => {
  it('says after which epoch of how many it failed, the error, the checkpoint and how to resume', async () => {
    const final = await ran(0, 41, {
      state: 'failed',
      error: {
        code: 'trainer_failed',
        message: 'CUDA out of memory',
        details: {
          epoch: 42,
          checkpointDir: '/runs/j1/checkpoints',
          lastCheckpoint: '/runs/j1/checkpoints/last.ckpt',
          resumeCommand: 'sleap-nn train /runs/j1/config.yaml --resume last.ckpt',
        },
      },
    });
    const client = (checkpoint: string) =>
      buildResumeCommand({
        worker: 'gpu-1',
        profile: 'builtin',
        checkpoint,
        flags: [['epochs', '100']],
      });
    expect(describeFailure(final, { resumeCommand: client })).toEqual({
      kind: 'failed',
      title: 'Remote Training Failed',
      headline: 'Training failed after epoch 42 of 100',
      reached: 'epoch 42 of 100',
      resumedAt: null,
      error: 'CUDA out of memory',
      worker: 'gpu-1',
      checkpointDir: '/runs/j1/checkpoints',
      stage: null,
      resumeNote: null,
      lastCheckpoint: '/runs/j1/checkpoints/last.ckpt',
      resumeCommand:
        'trainwire train --worker gpu-1 --profile builtin --epochs 100 --resume /runs/j1/checkpoints/last.ckpt',
      jobId: 'j1',
    });
    // Without the client's own command, the worker's.
    expect(describeFailure(final)?.resumeCommand).toBe(
      'sleap-nn train /runs/j1/config.yaml --resume last.ckpt',
    );
  });

  it('names where a resumed run began, and a cancel as a cancel', async () => {
    const final = await ran(10, 19, {
      state: 'cancelled',
      error: { code: 'cancelled', message: 'cancelled by the user' },
    });
    const failure = describeFailure(final);
    expect(failure?.title).toBe('Remote Training Cancelled');
    expect(failure?.headline).toBe(
      'Training cancelled after epoch 20 of 100 (resumed at epoch 11)',
    );
    expect(failure?.resumedAt).toBe(11);
    expect(failure?.resumeCommand).toBeUndefined();
  });

  it("takes the worker's count of epochs when the trainer's train_begin never arrived", async () => {
    // A trainer SIGKILLed before its messages left it: the client saw no progress at all,
    // and knew no total (a profile it has no rules for).
    const session = new JobSession({ jobId: 'j2', spec, link, workerName: 'gpu-1' });
    session.ingest({ jobId: 'j2', seq: 1, ts: 0, type: 'state', state: 'running' });
    session.ingest({
      jobId: 'j2',
      seq: 2,
      ts: 1,
      type: 'state',
      state: 'failed',
      error: {
        code: 'trainer_failed',
        message: 'the trainer exited with code 137 after 1 epoch(s)',
        details: { epoch: 1, totalEpochs: 8, checkpointDir: '/c', lastCheckpoint: null },
      },
    } as JobEvent);
    expect(describeFailure(await session.done)?.headline).toBe(
      'Training failed after epoch 1 of 8',
    );
  });

  it('has nothing to say about a completed job', async () => {
    expect(describeFailure(await ran(0, 99, { state: 'completed' }))).toBeUndefined();
  });
});

describe('the resume command', () => {
  it('quotes every value for a shell, and repeats inputs and path rewrites', () => {
    expect(
      buildResumeCommand({
        worker: "lab's gpu",
        profile: 'sleap-nn',
        checkpoint: '/runs/a b/last.ckpt',
        flags: [
          ['config', '/home/me/centroid.yaml'],
          ['epochs', undefined],
        ],
        inputs: { labels: '/data/my labels.slp' },
        mapPaths: { '/Users/me': '/srv/data' },
      }),
    ).toBe(
      "trainwire train --worker 'lab'\\''s gpu' --profile sleap-nn --config /home/me/centroid.yaml " +
        "--input 'labels=/data/my labels.slp' --map-path /Users/me=/srv/data --resume '/runs/a b/last.ckpt'",
    );
  });
});

describe('describeFailure of a predict job', () => {
  it('says prediction, and counts items, not epochs', async () => {
    const predictSpec = JobSpecSchema.parse({
      profile: 'builtin',
      predict: { model: { name: 'spirals' } },
    });
    const session = new JobSession({ jobId: 'p1', spec: predictSpec, link, workerName: 'gpu-1' });
    let seq = 1;
    session.ingest({ jobId: 'p1', seq: seq++, ts: 0, type: 'state', state: 'running' });
    for (const done of [100, 200, 300])
      session.ingest({
        jobId: 'p1',
        seq: seq++,
        ts: done * 10,
        type: 'progress',
        progress: {
          event: 'batch_end',
          batch: done - 1,
          logs: {},
          items_done: done,
          items_total: 1000,
        },
      });
    session.ingest({
      jobId: 'p1',
      seq: seq++,
      ts: 4000,
      type: 'state',
      state: 'failed',
      error: { code: 'trainer_failed', message: 'the trainer exited with code 1' },
    });
    const failure = describeFailure(session.getSnapshot())!;
    expect(failure.title).toBe('Remote Prediction Failed');
    expect(failure.headline).toBe('Prediction failed after 300 of 1000 items');
    expect(failure.reached).toBe('300 of 1000 items');
  });
});
