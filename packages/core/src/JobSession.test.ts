import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeOutcome, isRefusal } from './describeOutcome.js';
import { JobSession } from './JobSession.js';
import type { JobLink } from './JobSnapshot.js';
import type { JobEvent } from './schemas/JobEvent.js';
import { JobSpecSchema } from './schemas/JobSpec.js';
import { VirtualClock } from './testing/VirtualClock.js';

const spec = JobSpecSchema.parse({ profile: 'builtin', config: { epochs: 3 } });

/** A complete job history: running, N epochs, completed. */
function history(epochs: number, jobId = 'j1'): JobEvent[] {
  const events: JobEvent[] = [];
  const push = (e: Record<string, unknown>) =>
    events.push({ jobId, seq: events.length + 1, ts: events.length * 100, ...e } as JobEvent);
  push({ type: 'state', state: 'running' });
  for (let epoch = 0; epoch < epochs; epoch++) {
    push({ type: 'progress', progress: { event: 'epoch_begin', epoch } });
    push({ type: 'log', stream: 'stderr', line: `${epoch}: 50%`, replace: true });
    push({
      type: 'progress',
      progress: {
        event: 'epoch_end',
        epoch,
        logs: { 'train/loss': 1 / (epoch + 1), 'val/loss': 2 / (epoch + 1) },
      },
    });
  }
  push({ type: 'state', state: 'completed' });
  return events;
}

function linkOver(events: JobEvent[]): JobLink & { fetches: number } {
  const link = {
    fetches: 0,
    fetchEvents: async (_jobId: string, afterSeq: number, untilSeq?: number) => {
      link.fetches++;
      return events.filter(
        (e) => e.seq > afterSeq && (untilSeq === undefined || e.seq <= untilSeq),
      );
    },
    stop: async () => undefined,
    cancel: async () => undefined,
  };
  return link;
}

describe('JobSession', () => {
  it('applies every event once and in order, whatever order, duplicates and losses they arrive with', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 12 }),
        fc.array(fc.nat(), { maxLength: 80 }),
        fc.array(fc.boolean(), { maxLength: 80 }),
        async (epochs, shuffleKeys, keep) => {
          const events = history(epochs);
          // Deliver a shuffled, duplicated, lossy version of the stream.
          const delivered = events
            .flatMap((e, i) => ((shuffleKeys[i] ?? 0) % 3 === 0 ? [e, e] : [e]))
            .filter((_, i) => keep[i] ?? true)
            .map((e, i) => ({ e, k: shuffleKeys[i] ?? i }))
            .sort((a, b) => (a.k % 7) - (b.k % 7))
            .map(({ e }) => e);
          const session = new JobSession({
            jobId: 'j1',
            spec,
            link: linkOver(events),
            totalEpochs: epochs,
          });
          const seen: number[] = [];
          session.events$.subscribe((e) => seen.push(e.seq));
          for (const event of delivered) session.ingest(event);
          session.resync();
          const final = await session.done;
          expect(seen).toEqual(events.map((e) => e.seq));
          expect(final.progress.history.map((h) => h.epoch)).toEqual([...Array(epochs).keys()]);
          expect(final.state).toBe('completed');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a resync during a gap repair still fetches the tail after the last gap (regression)', async () => {
    const events = history(2); // 8 events; #8 is the final state
    const session = new JobSession({ jobId: 'j1', spec, link: linkOver(events) });
    session.ingest(events[0]!); // #1
    session.ingest(events[2]!); // #3: gap 2 → a fetch is in flight
    session.resync(); // asked while that fetch runs
    session.ingest(events[5]!); // #6: a second gap (4–5); #7 and #8 never arrive
    const final = await Promise.race([
      session.done,
      new Promise((r) => setTimeout(() => r('hung'), 2000)),
    ]);
    expect(final).not.toBe('hung');
    expect(session.getSnapshot().lastSeq).toBe(8);
  });

  it('drops duplicates and counts them', () => {
    const events = history(1);
    const session = new JobSession({ jobId: 'j1', spec, link: linkOver(events) });
    session.ingest(events[0]!);
    session.ingest(events[0]!);
    expect(session.getSnapshot().stats.duplicates).toBe(1);
    expect(session.getSnapshot().lastSeq).toBe(1);
  });

  it('asks for exactly the missing range when a gap appears', async () => {
    const events = history(2);
    const asked: Array<[number, number | undefined]> = [];
    const link: JobLink = {
      fetchEvents: async (_id, after, until) => {
        asked.push([after, until]);
        return events.filter((e) => e.seq > after && (until === undefined || e.seq <= until));
      },
      stop: async () => undefined,
      cancel: async () => undefined,
    };
    const session = new JobSession({ jobId: 'j1', spec, link });
    session.ingest(events[0]!);
    session.ingest(events[4]!);
    await new Promise((r) => setTimeout(r, 0));
    expect(asked[0]).toEqual([1, 4]);
    expect(session.getSnapshot().lastSeq).toBe(5);
    expect(session.getSnapshot().stats.gapsRepaired).toBe(1);
  });

  it('retries a failed repair every second until detached, then leaves no timer behind', async () => {
    const events = history(2);
    const clock = new VirtualClock();
    let fetches = 0;
    const link: JobLink = {
      fetchEvents: async () => {
        fetches++;
        throw new Error('link closed');
      },
      stop: async () => undefined,
      cancel: async () => undefined,
    };
    const session = new JobSession({ jobId: 'j1', spec, link, scheduler: clock });
    session.ingest(events[0]!);
    session.ingest(events[4]!);
    await clock.tick(2_500, 500);
    expect(fetches).toBe(3);
    session.detach();
    await clock.tick(5_000, 500);
    expect(fetches).toBe(3);
    // Only the ETA ticker (while subscribed) could still be scheduled; nothing is.
    expect(clock.pending).toBe(0);
    expect(session.getSnapshot().lastSeq).toBe(1);
  });

  it('tracks progress: latest and best metrics, epoch history, total from train_begin', () => {
    const session = new JobSession({ jobId: 'j1', spec, link: linkOver([]) });
    const e = (seq: number, progress: Record<string, unknown>) =>
      ({ jobId: 'j1', seq, ts: seq, type: 'progress', progress }) as JobEvent;
    session.ingest({ jobId: 'j1', seq: 1, ts: 0, type: 'state', state: 'running' });
    session.ingest(e(2, { event: 'train_begin', total_epochs: 4 }));
    session.ingest(
      e(3, { event: 'epoch_end', epoch: 0, logs: { 'val/loss': 0.5, 'train/accuracy': 0.7 } }),
    );
    session.ingest(
      e(4, { event: 'epoch_end', epoch: 1, logs: { 'val/loss': 0.7, 'train/accuracy': 0.9 } }),
    );
    const { progress } = session.getSnapshot();
    expect(progress.totalEpochs).toBe(4);
    expect(progress.completedEpochs).toBe(2);
    expect(progress.latest).toEqual({ 'val/loss': 0.7, 'train/accuracy': 0.9 });
    expect(progress.best['val/loss']).toEqual({ value: 0.5, epoch: 0 });
    expect(progress.best['train/accuracy']).toEqual({ value: 0.9, epoch: 1 });
  });

  it('counts a resumed run by epoch number: epochs 4–7 of 8 complete it, not stop it early', async () => {
    const session = new JobSession({ jobId: 'j1', spec, link: linkOver([]), totalEpochs: 8 });
    const e = (seq: number, progress: Record<string, unknown>) =>
      ({ jobId: 'j1', seq, ts: seq, type: 'progress', progress }) as JobEvent;
    session.ingest({ jobId: 'j1', seq: 1, ts: 0, type: 'state', state: 'running' });
    let seq = 2;
    for (let epoch = 4; epoch < 8; epoch++) {
      session.ingest(e(seq++, { event: 'epoch_begin', epoch }));
      if (epoch === 4) expect(session.getSnapshot().progress.startEpoch).toBe(4);
      session.ingest(e(seq++, { event: 'epoch_end', epoch, logs: { loss: 1 } }));
    }
    session.ingest({ jobId: 'j1', seq, ts: seq, type: 'state', state: 'completed' });
    const final = await session.done;
    expect(final.progress.completedEpochs).toBe(8);
    expect(final.progress.startEpoch).toBe(4);
    expect(final.progress.history.map((h) => h.epoch)).toEqual([4, 5, 6, 7]);
    expect(describeOutcome(final)).toMatchObject({
      kind: 'completed',
      reachedEpoch: 8,
      totalEpochs: 8,
      startEpoch: 4,
    });
  });

  it('calls a stop before the last epoch stopped early, and a turned-down start refused', async () => {
    const stopped = new JobSession({ jobId: 'j1', spec, link: linkOver([]), totalEpochs: 8 });
    const events = history(3);
    for (const event of events) stopped.ingest(event);
    expect(describeOutcome(await stopped.done)).toMatchObject({
      kind: 'stopped-early',
      reachedEpoch: 3,
    });
    const refused = new JobSession({ jobId: 'j2', spec, link: linkOver([]) });
    refused.setLocal({
      state: 'failed',
      submitStep: 'start',
      error: { code: 'worker_busy', message: 'w1 already runs 1 job(s)' },
    });
    const final = await refused.done;
    expect(isRefusal(final)).toBe(true);
    expect(describeOutcome(final).kind).toBe('refused');
    const crashed = new JobSession({ jobId: 'j3', spec, link: linkOver([]) });
    crashed.ingest({ jobId: 'j3', seq: 1, ts: 0, type: 'state', state: 'running' });
    crashed.ingest({
      jobId: 'j3',
      seq: 2,
      ts: 1,
      type: 'state',
      state: 'failed',
      error: {
        code: 'trainer_failed',
        message: 'exit 1',
        details: { lastCheckpoint: '/runs/j3/last.json', resumeCommand: 'trainwire train …' },
      },
    });
    expect(describeOutcome(await crashed.done)).toMatchObject({
      kind: 'failed',
      lastCheckpoint: '/runs/j3/last.json',
      workerResumeCommand: 'trainwire train …',
    });
  });

  it('coalesces carriage-return log lines into one', () => {
    const session = new JobSession({ jobId: 'j1', spec, link: linkOver([]) });
    const log = (seq: number, line: string, replace: boolean) =>
      session.ingest({ jobId: 'j1', seq, ts: seq, type: 'log', stream: 'stderr', line, replace });
    log(1, 'loading data', false);
    log(2, '10%', true);
    log(3, '50%', true);
    log(4, '100%', true);
    expect(session.getSnapshot().logs.map((l) => l.line)).toEqual(['loading data', '100%']);
  });

  it('keeps the last batch losses, so a session that attaches later shows the replayed batches', async () => {
    const events: JobEvent[] = [];
    const push = (e: Record<string, unknown>) =>
      events.push({ jobId: 'j1', seq: events.length + 1, ts: events.length, ...e } as JobEvent);
    push({ type: 'state', state: 'running' });
    for (let epoch = 0; epoch < 3; epoch++) {
      push({ type: 'progress', progress: { event: 'epoch_begin', epoch } });
      for (let batch = 0; batch < 4; batch++)
        push({
          type: 'progress',
          progress: { event: 'batch_end', epoch, batch, logs: { loss: epoch * 4 + batch } },
        });
      // Python's bare NaN is no point.
      push({
        type: 'progress',
        progress: { event: 'batch_end', epoch, batch: 4, logs: { loss: Number.NaN } },
      });
      push({ type: 'progress', progress: { event: 'epoch_end', epoch, logs: { loss: epoch } } });
    }
    // Attached after the fact: everything comes from the worker's replay.
    const session = new JobSession({ jobId: 'j1', spec, link: linkOver(events), batchHistory: 5 });
    const empty = session.getSnapshot().batches;
    expect([empty.total, empty.kept, empty.since(0)]).toEqual([0, 0, []]);
    session.resync();
    await new Promise((resolve) => setTimeout(resolve, 0));
    const { batches } = session.getSnapshot();
    expect([batches.total, batches.kept, batches.first]).toEqual([12, 5, 7]);
    expect(batches.since(0).map((p) => p.loss)).toEqual([7, 8, 9, 10, 11]);
    expect(batches.since(10)).toEqual([
      { epoch: 2, batch: 2, loss: 10 },
      { epoch: 2, batch: 3, loss: 11 },
    ]);
    expect(batches.since(12)).toEqual([]);
    // An older view is unchanged by later batches (and the trim they cause).
    for (let i = 0; i < 20; i++)
      session.ingest({
        jobId: 'j1',
        seq: events.length + 1 + i,
        ts: 100 + i,
        type: 'progress',
        progress: { event: 'batch_end', epoch: 3, batch: i, logs: { 'train/loss': 100 + i } },
      });
    expect(batches.since(0).map((p) => p.loss)).toEqual([7, 8, 9, 10, 11]);
    const later = session.getSnapshot().batches;
    expect(later).toBe(session.getSnapshot().batches);
    expect([later.total, later.kept]).toEqual([32, 5]);
    expect(later.since(0).map((p) => p.loss)).toEqual([115, 116, 117, 118, 119]);
  });

  it('returns the same snapshot until something changes, and batches notifications', async () => {
    const events = history(2);
    const session = new JobSession({ jobId: 'j1', spec, link: linkOver(events) });
    let calls = 0;
    session.subscribe(() => calls++);
    const first = session.getSnapshot();
    expect(session.getSnapshot()).toBe(first);
    for (const event of events.slice(0, 5)) session.ingest(event);
    expect(session.getSnapshot()).not.toBe(first);
    await Promise.resolve();
    expect(calls).toBe(1);
  });

  it('computes eta$ in virtual time from epoch timings', () => {
    const clock = new VirtualClock();
    const session = new JobSession({
      jobId: 'j1',
      spec,
      link: linkOver([]),
      scheduler: clock,
      totalEpochs: 5,
    });
    const etas: Array<number | null> = [];
    session.eta$.subscribe((eta) => etas.push(eta === null ? null : eta.remainingMs));
    let seq = 0;
    const at = (type: string, fields: Record<string, unknown>) =>
      session.ingest({ jobId: 'j1', seq: ++seq, ts: clock.now(), type, ...fields } as JobEvent);
    at('state', { state: 'running' });
    for (let epoch = 0; epoch < 3; epoch++) {
      at('progress', { progress: { event: 'epoch_begin', epoch } });
      clock.advanceBy(epoch === 0 ? 30_000 : 10_000);
      at('progress', { progress: { event: 'epoch_end', epoch, logs: {} } });
    }
    // The slow first epoch (30 s) is left out: 2 epochs left × 10 s.
    expect(session.getSnapshot().eta?.remainingMs).toBe(20_000);
    at('progress', { progress: { event: 'epoch_begin', epoch: 3 } });
    clock.advanceBy(4_000);
    expect(session.getSnapshot().eta?.remainingMs).toBe(16_000);
    expect(etas.at(-1)).toBe(16_000);
  });
});
