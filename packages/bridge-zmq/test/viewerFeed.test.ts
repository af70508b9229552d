import { isTrainwireError } from '@trainwire/core';
import { afterEach, describe, expect, it } from 'vitest';
import { Publisher, Subscriber } from 'zeromq';
import { createViewerFeed, parsePythonJson, type ViewerFeed } from '../src/index.js';
import { FakeSession } from './FakeSession.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function bindFeed(session: FakeSession, notices: string[] = []): Promise<ViewerFeed> {
  const feed = await createViewerFeed(session, {
    what: 'run',
    mode: 'bind',
    publishAddress: 'tcp://127.0.0.1:0',
    controlAddress: 'tcp://127.0.0.1:0',
    onNotice: (m) => notices.push(m),
  });
  cleanups.push(() => feed.close());
  return feed;
}

/** A viewer that connects (bind mode's peer), collecting what it reads. */
function connectViewer(feed: ViewerFeed): {
  received: Record<string, unknown>[];
  until: (n: number) => Promise<void>;
} {
  const sub = new Subscriber({ linger: 0 });
  sub.subscribe();
  sub.connect(feed.publishAddress);
  cleanups.push(() => sub.close());
  const received: Record<string, unknown>[] = [];
  void (async () => {
    try {
      for await (const [frame] of sub)
        received.push(parsePythonJson(String(frame)) as Record<string, unknown>);
    } catch {
      // closed
    }
  })();
  return {
    received,
    async until(n) {
      for (let i = 0; i < 300 && received.length < n; i++)
        await new Promise((r) => setTimeout(r, 50));
    },
  };
}

describe('createViewerFeed in bind mode', () => {
  it('binds free ports, and a viewer that connects later gets the run from train_begin', async () => {
    const session = new FakeSession();
    const feed = await bindFeed(session);
    expect(feed.publishAddress).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
    session.progress({ event: 'train_begin' });
    session.progress({ event: 'epoch_end', epoch: 0, logs: { 'train/loss': 1 } });
    const viewer = connectViewer(feed);
    await viewer.until(2);
    session.progress({ event: 'epoch_end', epoch: 1, logs: { 'train/loss': 0.5 } });
    await viewer.until(3);
    expect(viewer.received.map((m) => [m.event, m.epoch])).toEqual([
      ['train_begin', undefined],
      ['epoch_end', 0],
      ['epoch_end', 1],
    ]);
    expect(feed.stats.viewerConnected).toBe(true);
  });

  it('counts events lost upstream (gaps in seq), skips replays and says so once', async () => {
    const session = new FakeSession();
    const notices: string[] = [];
    const feed = await bindFeed(session, notices);
    session.progress({ event: 'train_begin' });
    session.lose(3);
    session.progress({ event: 'epoch_begin', epoch: 0 });
    session.lose(2);
    session.progress({ event: 'epoch_begin', epoch: 1 });
    // The same event again (a reconnecting session replays): not sent twice.
    session.events.next({
      type: 'progress',
      jobId: 'job-1',
      seq: 1,
      ts: 0,
      progress: { event: 'train_begin' },
    });
    expect(feed.stats).toMatchObject({ published: 3, dropped: 5 });
    expect(notices.filter((n) => n.includes('never reached'))).toHaveLength(1);
  });

  it('starts a run joined midway with a train_begin, so LossViewer takes `what`', async () => {
    const session = new FakeSession();
    const feed = await bindFeed(session);
    const viewer = connectViewer(feed);
    session.progress({ event: 'epoch_begin', epoch: 3 });
    await viewer.until(2);
    expect(viewer.received).toEqual([
      { event: 'train_begin', what: 'run' },
      { event: 'epoch_begin', what: 'run', epoch: 3 },
    ]);
  });

  it("sends each stage of a pipeline as a run of its own, under the stage's name", async () => {
    const session = new FakeSession();
    const feed = await bindFeed(session);
    const viewer = connectViewer(feed);
    const centroid = { index: 0, count: 2, name: 'centroid' };
    const instance = { index: 1, count: 2, name: 'centered_instance' };
    session.progress({ event: 'train_begin', what: 'centroid' }, centroid);
    // Connected before the rest (a viewer joining later is sent the newest run only).
    await viewer.until(1);
    session.progress({ event: 'epoch_end', epoch: 0, logs: { 'train/loss': 1 } }, centroid);
    // Stage 2's own train_begin never reached the feed: one is sent for it.
    session.progress({ event: 'epoch_end', epoch: 0, logs: { 'train/loss': 2 } }, instance);
    session.progress({ event: 'epoch_end', epoch: 1, logs: { 'train/loss': 1.5 } }, instance);
    await viewer.until(5);
    expect(viewer.received.map((m) => [m.event, m.what, m.epoch])).toEqual([
      ['train_begin', 'centroid', undefined],
      ['epoch_end', 'centroid', 0],
      ['train_begin', 'centered_instance', undefined],
      ['epoch_end', 'centered_instance', 0],
      ['epoch_end', 'centered_instance', 1],
    ]);
  });

  it("calls session.stop() on a viewer's stop", async () => {
    const session = new FakeSession();
    const feed = await bindFeed(session);
    const pub = new Publisher({ linger: 0 });
    pub.connect(feed.controlAddress);
    cleanups.push(() => pub.close());
    for (let i = 0; i < 100 && session.stopCalls === 0; i++) {
      await pub.send('{"command": "stop"}');
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(session.stopCalls).toBeGreaterThan(0);
  });

  it('names the port when it is taken', async () => {
    const first = await bindFeed(new FakeSession());
    const error = await createViewerFeed(new FakeSession(), {
      what: 'run',
      mode: 'bind',
      publishAddress: first.publishAddress,
      controlAddress: 'tcp://127.0.0.1:0',
    }).catch((e: unknown) => e);
    expect(isTrainwireError(error, 'port_in_use')).toBe(true);
    expect((error as Error).message).toContain(`port ${first.publishAddress.split(':').pop()}`);
  });

  it('refuses an address that is not an endpoint, naming the field', async () => {
    const error = await createViewerFeed(new FakeSession(), {
      what: 'run',
      publishAddress: '127.0.0.1:9001',
    }).catch((e: unknown) => e);
    expect(isTrainwireError(error, 'validation_failed')).toBe(true);
    expect((error as Error).message).toContain('publishAddress');
  });
});
