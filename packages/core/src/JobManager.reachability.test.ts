import { afterEach, describe, expect, it } from 'vitest';
import { TrainwireError } from './errors.js';
import type { JobManagerOptions } from './JobManager.js';
import type { JobSession } from './JobSession.js';
import type { WorkerLinkStatus } from './JobSnapshot.js';
import type { Transport } from './Transport.js';
import { ScriptedWorker } from './testing/ScriptedWorker.js';
import { createScriptedSetup, linkToScriptedWorker } from './testing/scriptedSetup.js';
import type { VirtualClock } from './testing/VirtualClock.js';

// A worker that goes away mid-job, as a client sees it: killed without a word, its link
// closed, restarted with its data, or restarted without it. Time is virtual.

const disposers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const dispose of disposers.splice(0)) await dispose();
});

const pair = (clock: VirtualClock, worker: ScriptedWorker) => linkToScriptedWorker(worker, clock);

async function setup(options: JobManagerOptions = {}, epochMs = 1_000) {
  const ready = await createScriptedSetup({ manager: options, worker: { epochMs } });
  disposers.push(ready.dispose);
  return ready;
}

/** Every connection status the session went through, in order, each once. */
function statuses(session: JobSession): WorkerLinkStatus[] {
  const seen: WorkerLinkStatus[] = [session.getSnapshot().connection.status];
  session.subscribe(() => {
    const now = session.getSnapshot().connection.status;
    if (seen[seen.length - 1] !== now) seen.push(now);
  });
  return seen;
}

function epochsOf(session: JobSession): number[] {
  const epochs: number[] = [];
  session.events$.subscribe((e) => {
    if (e.type === 'progress' && e.progress.event === 'epoch_end') epochs.push(e.progress.epoch);
  });
  return epochs;
}

describe('a worker that goes away while a job runs', () => {
  it('is unreachable within the heartbeat timeout, keeps the last epoch, and is lost after the wait', async () => {
    const { clock, client, manager } = await setup();
    const session = manager.submit({ profile: 'builtin', config: { epochs: 100 } });
    const seen = statuses(session);
    await clock.tick(3_500, 100);
    expect(session.getSnapshot().connection.worker).toBe('w1');
    expect(session.getSnapshot().progress.completedEpochs).toBe(3);
    client.silence();
    await clock.tick(29_000, 500);
    expect(session.getSnapshot().connection.status).toBe('connected');
    await clock.tick(7_000, 500);
    const unreachable = session.getSnapshot();
    expect(unreachable.connection.status).toBe('unreachable');
    expect(unreachable.connection.reason).toMatch(/no word from worker w1 for 3\d s/);
    expect(unreachable.state).toBe('running');
    expect(unreachable.progress.completedEpochs).toBe(3);
    let done = false;
    void session.done.then(() => {
      done = true;
    });
    await clock.tick(130_000, 1_000);
    expect(done).toBe(true);
    const final = await session.done;
    expect(final.connection.status).toBe('lost');
    expect(final.connection.reason).toContain('may still be running');
    expect(final.state).toBe('running');
    expect(seen).toEqual(['connected', 'unreachable', 'lost']);
  });

  it('comes back from a silent spell and carries on with every epoch once', async () => {
    const { clock, client, manager } = await setup();
    const session = manager.submit({ profile: 'builtin', config: { epochs: 60 } });
    const seen = statuses(session);
    const epochs = epochsOf(session);
    await clock.tick(5_000, 100);
    client.silence();
    await clock.tick(45_000, 500);
    expect(session.getSnapshot().connection.status).toBe('unreachable');
    client.silence(false);
    await clock.tick(70_000, 200);
    const final = await session.done;
    expect(final.state).toBe('completed');
    expect(epochs).toEqual([...Array(60).keys()]);
    expect(seen).toEqual(['connected', 'unreachable', 'connected']);
  });

  it('opens a new link once the old one closed and learns how the job went on', async () => {
    const reconnects: Transport[] = [];
    let worker!: ScriptedWorker;
    let clock!: VirtualClock;
    let available = false;
    const reconnect = async () => {
      if (!available) throw new Error('worker w1 is not online');
      const next = await pair(clock, worker);
      reconnects.push(next);
      disposers.push(() => next.close());
      return next;
    };
    const ready = await setup({ reconnect });
    ({ worker, clock } = ready);
    const session = ready.manager.submit({ profile: 'builtin', config: { epochs: 40 } });
    const epochs = epochsOf(session);
    await clock.tick(4_000, 100);
    await ready.client.close();
    await clock.tick(10_000, 500);
    expect(session.getSnapshot().connection.status).toBe('unreachable');
    expect(session.getSnapshot().connection.reason).toContain('closed');
    available = true;
    await clock.tick(60_000, 200);
    const final = await session.done;
    expect(reconnects.length).toBe(1);
    expect(final.state).toBe('completed');
    expect(final.connection.status).toBe('connected');
    expect(epochs).toEqual([...Array(40).keys()]);
  });

  it('gives up at once when reconnecting is refused for good (a revoked credential)', async () => {
    const reconnect = async () => {
      throw new TrainwireError('connection', 'cannot join room lab', {
        cause: new TrainwireError('credential_revoked', 'the room token 3e34 was revoked'),
      });
    };
    const { clock, client, manager } = await setup({ reconnect });
    const session = manager.submit({ profile: 'builtin', config: { epochs: 40 } });
    await clock.tick(3_000, 100);
    await client.close();
    await clock.tick(2_000, 200);
    const final = await session.done;
    expect(final.connection.status).toBe('lost');
    expect(final.connection.reason).toContain('the room token 3e34 was revoked');
  });

  it('fails the job with job_lost when the worker comes back without it', async () => {
    let clock!: VirtualClock;
    const reconnect = async () => {
      const stranger = new ScriptedWorker({ name: 'w1', epochMs: 1_000, scheduler: clock });
      const next = await pair(clock, stranger);
      disposers.push(() => next.close());
      return next;
    };
    const ready = await setup({ reconnect });
    clock = ready.clock;
    const session = ready.manager.submit({ profile: 'builtin', config: { epochs: 40 } });
    await clock.tick(3_000, 100);
    await ready.client.close();
    await clock.tick(5_000, 200);
    const final = await session.done;
    expect(final.state).toBe('failed');
    expect(final.error?.code).toBe('job_lost');
    expect(final.error?.message).toContain('came back without job');
  });

  it('says nothing while a quiet worker still answers the heartbeat', async () => {
    // Epochs of 50 s: no event for longer than the heartbeat timeout, as a dead worker.
    const { clock, manager } = await setup({}, 50_000);
    const session = manager.submit({ profile: 'builtin', config: { epochs: 3 } });
    const seen = statuses(session);
    await clock.tick(160_000, 500);
    expect((await session.done).state).toBe('completed');
    expect(seen).toEqual(['connected']);
  });
});
