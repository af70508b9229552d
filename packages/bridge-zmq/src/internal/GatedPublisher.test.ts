import { afterEach, describe, expect, it } from 'vitest';
import { Subscriber, XPublisher } from 'zeromq';
import { GatedPublisher } from './GatedPublisher.js';

const sockets: { close(): void }[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close();
});

describe('GatedPublisher', () => {
  it('loses nothing to a slow reader behind tiny high-water marks (noDrop + retry)', async () => {
    const pub = new XPublisher({ sendHighWaterMark: 5, noDrop: true, linger: 0 });
    await pub.bind('tcp://127.0.0.1:*');
    const sub = new Subscriber({ receiveHighWaterMark: 5, linger: 0 });
    sockets.push(pub, sub);
    let dropped = 0;
    const gate = new GatedPublisher(pub, {
      mode: 'buffer',
      maxKept: 10_000,
      maxQueued: 10_000,
      onDrop: (n) => {
        dropped += n;
      },
    });
    const total = 2_000;
    // 10 kB each: 20 MB overflow the kernel's socket buffers too, so sends must wait.
    const padding = 'x'.repeat(10_000);
    // Published before anyone subscribed: kept, then sent when the reader joins.
    const sent = Array.from({ length: total }, (_, i) => gate.publish(`${i}:${padding}`));
    sub.subscribe();
    sub.connect(pub.lastEndpoint as string);
    const received: string[] = [];
    for await (const [frame] of sub) {
      received.push(String(frame).split(':')[0] as string);
      // A slow reader: yield to the event loop now and then.
      if (received.length % 100 === 0) await new Promise((r) => setTimeout(r, 5));
      if (received.length === total) break;
    }
    await Promise.all(sent);
    expect(received).toEqual(Array.from({ length: total }, (_, i) => String(i)));
    expect(dropped).toBe(0);
  });
});

/** Connects a subscriber to `pub` and reads `count` frames as strings. */
async function readFrames(pub: XPublisher, count: number): Promise<string[]> {
  const sub = new Subscriber({ linger: 0 });
  sockets.push(sub);
  sub.subscribe();
  sub.connect(pub.lastEndpoint as string);
  const received: string[] = [];
  for await (const [frame] of sub) {
    received.push(String(frame));
    if (received.length === count) break;
  }
  return received;
}

describe('GatedPublisher limits while no one is subscribed', () => {
  it('replay: keeps the run’s first message and the newest others, in order', async () => {
    // noDrop: a send waits for room instead of ZeroMQ dropping past its high-water mark.
    const pub = new XPublisher({ noDrop: true, linger: 0 });
    await pub.bind('tcp://127.0.0.1:*');
    sockets.push(pub);
    let dropped = 0;
    const gate = new GatedPublisher(pub, {
      mode: 'replay',
      maxKept: 5_000,
      maxQueued: 100_000,
      onDrop: (n) => {
        dropped += n;
      },
    });
    void gate.publish('old run');
    void gate.publish('begin', true);
    // Four times the limit: older messages give way, past the array's compaction point.
    for (let i = 0; i < 20_000; i++) void gate.publish(String(i));
    const received = await readFrames(pub, 5_000);
    expect(received).toEqual([
      'begin',
      ...Array.from({ length: 4_999 }, (_, i) => String(15_001 + i)),
    ]);
    expect(dropped).toBe(0);
  });

  it('buffer: keeps the newest messages and counts the rest dropped', async () => {
    // noDrop: a send waits for room instead of ZeroMQ dropping past its high-water mark.
    const pub = new XPublisher({ noDrop: true, linger: 0 });
    await pub.bind('tcp://127.0.0.1:*');
    sockets.push(pub);
    let dropped = 0;
    const gate = new GatedPublisher(pub, {
      mode: 'buffer',
      maxKept: 5_000,
      maxQueued: 100_000,
      onDrop: (n) => {
        dropped += n;
      },
    });
    for (let i = 0; i < 20_000; i++) void gate.publish(String(i));
    expect(dropped).toBe(15_000);
    const received = await readFrames(pub, 5_000);
    expect(received).toEqual(Array.from({ length: 5_000 }, (_, i) => String(15_000 + i)));
  });
});
