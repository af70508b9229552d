import type { ProgressMessage } from '@trainwire/core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createTrainerReader,
  createViewerFeed,
  type TrainerMessage,
  type ViewerFeed,
} from '../src/index.js';
import { FakeSession } from './FakeSession.js';
import { PythonPeer, startTrainer } from './PythonPeer.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function peer(script: string, args: string[]): PythonPeer {
  const p = new PythonPeer(script, args);
  cleanups.push(() => p.kill());
  return p;
}

async function startViewer(): Promise<{ viewer: PythonPeer; publish: string; control: string }> {
  const viewer = peer('fake_loss_viewer.py', []);
  const ready = await viewer.waitFor((l) => l.ready === true);
  return {
    viewer,
    publish: `tcp://127.0.0.1:${ready.publish_port}`,
    control: `tcp://127.0.0.1:${ready.control_port}`,
  };
}

const NAN = { float: 'nan' };
const INF = { float: 'inf' };

/** Retries a viewer's stop until `done` (the control link may still be joining). */
async function clickStopUntil(viewer: PythonPeer, done: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !done(); i++) {
    viewer.send('stop');
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

describe('feeding a LossViewer (Python, jsonpickle)', () => {
  it('receives the run in order with `what`, both key spellings and NaN; its stop stops the job', async () => {
    const { viewer, publish, control } = await startViewer();
    const session = new FakeSession();
    const notices: string[] = [];
    const feed: ViewerFeed = await createViewerFeed(session, {
      what: 'centroid',
      publishAddress: publish,
      controlAddress: control,
      onNotice: (m) => notices.push(m),
    });
    cleanups.push(() => feed.close());

    session.progress({ event: 'train_begin' });
    session.log('not progress: not sent');
    session.progress({ event: 'epoch_begin', epoch: 0 });
    session.progress({
      event: 'batch_end',
      epoch: 0,
      batch: 0,
      logs: { 'train/loss': Number.NaN },
    });
    session.progress({
      event: 'epoch_end',
      epoch: 0,
      logs: { 'train/loss': 0.5, 'val/loss': Number.POSITIVE_INFINITY },
    });
    session.progress({ event: 'epoch_end', epoch: 1, logs: { loss: 0.25, val_loss: 0.3 } });
    session.progress({ event: 'train_end' });

    await viewer.waitFor((l) => (l.received as { event?: string })?.event === 'train_end');
    const received = viewer.lines.filter((l) => 'received' in l || 'error' in l || 'ignored' in l);
    expect(received).toEqual([
      { received: { event: 'train_begin', what: 'centroid' } },
      { received: { event: 'epoch_begin', what: 'centroid', epoch: 0 } },
      {
        received: {
          event: 'batch_end',
          what: 'centroid',
          epoch: 0,
          batch: 0,
          logs: { 'train/loss': NAN, loss: NAN },
        },
      },
      {
        received: {
          event: 'epoch_end',
          what: 'centroid',
          epoch: 0,
          logs: { 'train/loss': 0.5, 'val/loss': INF, loss: 0.5, val_loss: INF },
        },
      },
      {
        received: {
          event: 'epoch_end',
          what: 'centroid',
          epoch: 1,
          logs: { loss: 0.25, val_loss: 0.3, 'train/loss': 0.25, 'val/loss': 0.3 },
        },
      },
      { received: { event: 'train_end', what: 'centroid' } },
    ]);
    expect(feed.stats).toMatchObject({ published: 6, dropped: 0, skipped: 0 });

    await clickStopUntil(viewer, () => session.stopCalls > 0);
    expect(session.stopCalls).toBeGreaterThan(0);
    expect(feed.stats.stopRequests).toBe(session.stopCalls);
  });

  it('says once that nobody listens, keeps going, and replays the run when a viewer comes', async () => {
    // Find two free ports by letting a viewer bind them, then stop it.
    const first = await startViewer();
    await first.viewer.kill();
    const session = new FakeSession();
    const notices: string[] = [];
    const feed = await createViewerFeed(session, {
      what: 'late',
      publishAddress: first.publish,
      controlAddress: first.control,
      onNotice: (m) => notices.push(m),
    });
    cleanups.push(() => feed.close());
    session.progress({ event: 'train_begin' });
    session.progress({ event: 'epoch_end', epoch: 0, logs: { 'train/loss': 1 } });
    for (let i = 0; i < 100 && notices.length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain(first.publish);

    const port = (a: string) => a.split(':').pop() as string;
    const viewer = peer('fake_loss_viewer.py', [
      '--publish-port',
      port(first.publish),
      '--control-port',
      port(first.control),
    ]);
    await viewer.waitFor((l) => l.ready === true);
    session.progress({ event: 'train_end' });
    await viewer.waitFor((l) => (l.received as { event?: string })?.event === 'train_end');
    const events = viewer.lines.flatMap((l) =>
      'received' in l ? [(l.received as { event: string }).event] : [],
    );
    expect(events).toEqual(['train_begin', 'epoch_end', 'train_end']);
    expect(notices).toHaveLength(1);
  });
});

describe('reading a sleap-nn trainer (Python ProgressReporterZMQ)', () => {
  it('reads the exact sequence with NaN and Infinity, and its stop reaches the trainer', async () => {
    const reader = await createTrainerReader();
    cleanups.push(() => reader.close());
    const messages: TrainerMessage[] = [];
    reader.messages$.subscribe((m) => {
      // The trainer repeats hello until "go" arrives: some may come after the first.
      if (m.kind === 'raw' && (m.raw as { event?: string }).event === 'hello') return;
      messages.push(m);
      if (m.kind === 'progress' && m.progress.event === 'epoch_end' && m.progress.epoch === 0) {
        void reader.sendStop();
      }
    });
    const { trainer, hello } = await startTrainer(
      reader,
      ['--what', 'centroid', '--epochs', '3', '--batches', '2', '--wait-stop-after-epoch', '0'],
      peer,
    );
    expect(hello).toEqual({ kind: 'raw', raw: { event: 'hello' } });

    const stop = await trainer.waitFor((l) => 'stop' in l);
    expect(stop).toEqual({ stop: { command: 'stop' } });
    await trainer.waitFor((l) => 'done' in l);
    expect(await trainer.exited).toBe(0);
    for (let i = 0; i < 100 && messages.length < 6; i++)
      await new Promise((r) => setTimeout(r, 100));

    const progress: ProgressMessage[] = messages.flatMap((m) =>
      m.kind === 'progress' ? [m.progress] : [],
    );
    expect(progress).toEqual([
      { what: 'centroid', event: 'train_begin' },
      { what: 'centroid', event: 'epoch_begin', epoch: 0 },
      { what: 'centroid', event: 'batch_end', epoch: 0, batch: 0, logs: { 'train/loss': 1 } },
      {
        what: 'centroid',
        event: 'batch_end',
        epoch: 0,
        batch: 1,
        logs: { 'train/loss': Number.NaN },
      },
      {
        what: 'centroid',
        event: 'epoch_end',
        epoch: 0,
        logs: { 'train/loss': 0.5, 'val/loss': Number.POSITIVE_INFINITY },
      },
      { what: 'centroid', event: 'train_end' },
    ]);
    expect(messages.every((m) => m.kind === 'progress')).toBe(true);
    expect(reader.stats.malformed).toBe(0);
  });
});

describe('sleap-nn trainer → reader → job events → viewer feed → LossViewer', () => {
  it("shows the trainer's run in the viewer, and the viewer's stop stops the trainer", async () => {
    const reader = await createTrainerReader();
    cleanups.push(() => reader.close());
    const session = new FakeSession(() => reader.sendStop());
    reader.messages$.subscribe((m) => {
      if (m.kind === 'progress') session.progress(m.progress);
    });
    const { viewer, publish, control } = await startViewer();
    const feed = await createViewerFeed(session, {
      what: 'centroid',
      publishAddress: publish,
      controlAddress: control,
    });
    cleanups.push(() => feed.close());
    const { trainer, hello } = await startTrainer(
      reader,
      ['--what', 'centroid', '--epochs', '5', '--batches', '1', '--wait-stop-after-epoch', '1'],
      peer,
    );
    expect(hello).toEqual({ kind: 'raw', raw: { event: 'hello' } });

    const isEpochEnd1 = (l: Record<string, unknown>) =>
      (l.received as { event?: string; epoch?: number })?.event === 'epoch_end' &&
      (l.received as { epoch?: number }).epoch === 1;
    await viewer.waitFor(isEpochEnd1);
    await clickStopUntil(viewer, () => trainer.lines.some((l) => 'stop' in l));
    expect(await trainer.waitFor((l) => 'stop' in l)).toEqual({ stop: { command: 'stop' } });
    expect(await trainer.exited).toBe(0);
    await viewer.waitFor((l) => (l.received as { event?: string })?.event === 'train_end');

    const seen = viewer.lines.flatMap((l) => {
      if (!('received' in l)) return [];
      const m = l.received as { event: string; epoch?: number; batch?: number; logs?: unknown };
      return [[m.event, m.epoch ?? null, m.batch ?? null, m.logs ?? null]];
    });
    const logs0 = { 'train/loss': 0.5, 'val/loss': INF, loss: 0.5, val_loss: INF };
    const logs1 = { 'train/loss': 0.25, 'val/loss': 0.25, loss: 0.25, val_loss: 0.25 };
    expect(seen).toEqual([
      ['train_begin', null, null, null],
      ['epoch_begin', 0, null, null],
      ['batch_end', 0, 0, { 'train/loss': 1, loss: 1 }],
      ['epoch_end', 0, null, logs0],
      ['epoch_begin', 1, null, null],
      ['batch_end', 1, 0, { 'train/loss': 0.5, loss: 0.5 }],
      ['epoch_end', 1, null, logs1],
      ['train_end', null, null, null],
    ]);
    expect(viewer.lines.filter((l) => 'error' in l)).toEqual([]);
    expect(session.stopCalls).toBeGreaterThan(0);
  });
});
