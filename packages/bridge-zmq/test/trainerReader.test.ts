import { isTrainwireError, type ProgressMessage } from '@trainwire/core';
import { firstValueFrom, take, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { Publisher } from 'zeromq';
import {
  createProgressPublisher,
  createTrainerReader,
  type ProgressPublisher,
  type TrainerMessage,
  type TrainerReader,
} from '../src/index.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function reader(options = {}): Promise<TrainerReader> {
  const r = await createTrainerReader(options);
  cleanups.push(() => r.close());
  return r;
}

async function publisher(r: TrainerReader, what = 'run-1'): Promise<ProgressPublisher> {
  const p = await createProgressPublisher({
    publishAddress: r.publishAddress,
    controlAddress: r.controlAddress,
    what,
  });
  cleanups.push(() => p.close());
  return p;
}

function progressOf(messages: TrainerMessage[]): ProgressMessage[] {
  return messages.flatMap((m) => (m.kind === 'progress' ? [m.progress] : []));
}

describe('createTrainerReader with createProgressPublisher', () => {
  it('binds free loopback ports and reports where to connect', async () => {
    const r = await reader();
    expect(r.publishAddress).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
    expect(r.controlAddress).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
    expect(r.publishAddress).not.toBe(r.controlAddress);
  });

  it('delivers a run in order, NaN and Infinity included, with `what` set', async () => {
    const r = await reader();
    const received = firstValueFrom(r.messages$.pipe(take(5), toArray()));
    const p = await publisher(r);
    await p.publish({ event: 'train_begin' });
    await p.publish({ event: 'epoch_begin', epoch: 0 });
    await p.publish({ event: 'batch_end', epoch: 0, batch: 3, logs: { loss: Number.NaN } });
    await p.publish({
      event: 'epoch_end',
      epoch: 0,
      logs: { 'train/loss': Number.POSITIVE_INFINITY, 'val/loss': 0.5 },
    });
    await p.publish({ event: 'train_end' });
    const progress = progressOf(await received);
    expect(progress).toEqual([
      { what: 'run-1', event: 'train_begin' },
      { what: 'run-1', event: 'epoch_begin', epoch: 0 },
      { what: 'run-1', event: 'batch_end', epoch: 0, batch: 3, logs: { loss: Number.NaN } },
      {
        what: 'run-1',
        event: 'epoch_end',
        epoch: 0,
        logs: { 'train/loss': Number.POSITIVE_INFINITY, 'val/loss': 0.5 },
      },
      { what: 'run-1', event: 'train_end' },
    ]);
    expect(r.stats).toEqual({ received: 5, malformed: 0, dropped: 0 });
  });

  it('delivers what was published just before close()', async () => {
    const r = await reader();
    const received = firstValueFrom(r.messages$.pipe(take(50), toArray()));
    const p = await createProgressPublisher({ publishAddress: r.publishAddress, what: 'short' });
    for (let epoch = 0; epoch < 50; epoch++) void p.publish({ event: 'epoch_begin', epoch });
    await p.close();
    expect(
      progressOf(await received).map((m) => (m.event === 'epoch_begin' ? m.epoch : -1)),
    ).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(p.stats).toEqual({ published: 50, dropped: 0 });
  });

  it('passes unknown events through as raw and counts frames that are not JSON', async () => {
    const r = await reader();
    const pub = new Publisher({ linger: 0 });
    cleanups.push(() => pub.close());
    pub.connect(r.publishAddress);
    const first = firstValueFrom(r.messages$);
    // A plain PUB has no way to know the reader subscribed: repeat until one arrives.
    const hello = setInterval(() => void pub.send('{"event": "hello"}'), 50);
    cleanups.push(() => clearInterval(hello));
    expect(await first).toEqual({ kind: 'raw', raw: { event: 'hello' } });
    clearInterval(hello);
    const next = firstValueFrom(r.messages$);
    await pub.send('not json {');
    await pub.send('{"event": "batch_start", "batch": 1, "py/object": "x"}');
    expect(await next).toEqual({
      kind: 'raw',
      raw: { event: 'batch_start', batch: 1, 'py/object': 'x' },
    });
    expect(r.stats.malformed).toBe(1);
  });

  it('sends stop to the trainer', async () => {
    const r = await reader();
    const p = await publisher(r);
    const stopped = firstValueFrom(p.stopRequested$);
    // Once: sendStop itself waits for the trainer's control socket to subscribe.
    await r.sendStop();
    await expect(stopped).resolves.toBeUndefined();
  });

  it('keeps a stop sent before the trainer listens until it does (a slow start)', async () => {
    const r = await reader();
    // Stop asked while the trainer is still starting: nothing listens on control yet.
    const sent = r.sendStop();
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const p = await publisher(r);
    const stopped = firstValueFrom(p.stopRequested$);
    await sent;
    await expect(stopped).resolves.toBeUndefined();
  });

  it('a stop for a trainer that never listens ends with close(), not never', async () => {
    const r = await createTrainerReader();
    const sent = r.sendStop();
    await r.close();
    await expect(sent).resolves.toBeUndefined();
  });

  it('ignores sequence numbers of the wrong shape from any peer, and still counts real gaps', async () => {
    const r = await reader();
    const pub = new Publisher({ linger: 0 });
    cleanups.push(() => pub.close());
    pub.connect(r.publishAddress);
    const frame = (event: string, seq: unknown, stream: unknown = 's') =>
      JSON.stringify({ event, trainwire_seq: seq, trainwire_stream: stream });
    const first = firstValueFrom(r.messages$);
    // A plain PUB has no way to know the reader subscribed: repeat until one arrives.
    const hello = setInterval(() => void pub.send(frame('hello', 1)), 50);
    cleanups.push(() => clearInterval(hello));
    await first;
    clearInterval(hello);
    const events: string[] = [];
    const ended = new Promise<void>((resolve) => {
      r.messages$.subscribe((m) => {
        const event = (m.raw as { event: string }).event;
        if (event === 'hello') return; // sent before the interval was cleared
        events.push(event);
        if (event === 'end') resolve();
      });
    });
    await pub.send(frame('huge', 1e300));
    await pub.send(frame('unsafe', Number.MAX_SAFE_INTEGER + 2));
    await pub.send(frame('negative', -5));
    await pub.send(frame('fraction', 1.5));
    await pub.send(frame('text', '9'));
    await pub.send(frame('long stream', 9, 'x'.repeat(10_000)));
    await pub.send(frame('two', 2));
    await pub.send(frame('five', 5));
    await pub.send(frame('end', 6));
    await ended;
    expect(events).toEqual([
      'huge',
      'unsafe',
      'negative',
      'fraction',
      'text',
      'long stream',
      'two',
      'five',
      'end',
    ]);
    // Only the real gap counts: 3 and 4 are missing between 2 and 5.
    expect(r.stats.dropped).toBe(2);
    expect(r.stats.malformed).toBe(0);
  });

  it('names the port when it is already taken', async () => {
    const first = await reader();
    const port = Number(first.publishAddress.split(':').pop());
    const error = await createTrainerReader({ publishPort: port }).catch((e: unknown) => e);
    expect(isTrainwireError(error, 'port_in_use')).toBe(true);
    expect((error as Error).message).toContain(`port ${port}`);
    expect((error as Error).message).toContain('port 0');
  });

  it('rejects options of the wrong shape with the field named', async () => {
    const error = await createTrainerReader({ publishPort: 70_000 }).catch((e: unknown) => e);
    expect(isTrainwireError(error, 'validation_failed')).toBe(true);
    expect((error as Error).message).toContain('publishPort');
  });
});

describe('a burst of 100 000 messages', () => {
  it('arrives complete and in order', async () => {
    const total = 100_000;
    const r = await reader();
    let count = 0;
    let outOfOrder = 0;
    const done = new Promise<void>((resolve) => {
      r.messages$.subscribe((m) => {
        if (m.kind !== 'progress' || m.progress.event !== 'batch_end') return;
        if (m.progress.batch !== count) outOfOrder++;
        count++;
        if (count === total) resolve();
      });
    });
    const p = await publisher(r, 'burst');
    for (let batch = 0; batch < total; batch++) {
      await p.publish({ event: 'batch_end', epoch: 0, batch, logs: { loss: 1 / (batch + 1) } });
    }
    await done;
    expect(count).toBe(total);
    expect(outOfOrder).toBe(0);
    expect(r.stats.dropped).toBe(0);
    expect(p.stats.dropped).toBe(0);
  }, 120_000);
});
