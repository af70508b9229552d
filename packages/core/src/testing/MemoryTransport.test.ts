import { filter, firstValueFrom } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { createMemoryTransportPair } from './MemoryTransport.js';
import { runTransportCompliance } from './runTransportCompliance.js';
import { writeWatched } from './writeWatched.js';

runTransportCompliance('memory', async () => {
  const [client, worker] = createMemoryTransportPair({ latencyMs: 1 });
  return { client, worker, dispose: () => client.close() };
});

describe('MemoryTransport byte streams', () => {
  it('lets a slow reader set the pace: the writer waits for what it took (hold)', async () => {
    const [a, b] = createMemoryTransportPair({ chunkSize: 64 * 1024 });
    await Promise.all([a.connect(), b.connect()]);
    let open!: () => void;
    const disk = new Promise<void>((resolve) => (open = resolve));
    let read = 0;
    const done = new Promise<void>((resolve) =>
      b.byteStreams$.subscribe((reader) =>
        reader.chunks$.subscribe({
          next: (chunk) => reader.hold?.(disk.then(() => (read += chunk.length))),
          error: () => undefined,
          complete: () => void disk.then(() => resolve()),
        }),
      ),
    );
    const size = 16 * 1024 * 1024;
    const writer = await a.openByteStream({ id: 's', name: 's', size, offset: 0 });
    // Until the writer stops moving (without a window it would write all 16 MiB).
    const watched = writeWatched(writer, new Uint8Array(size), 256 * 1024, 200);
    const written = await watched.stalled;
    // Nothing taken: the writer stopped at its 4 MiB window (plus the write under way).
    expect(written).toBeGreaterThan(0);
    expect(written).toBeLessThanOrEqual(4 * 1024 * 1024 + 256 * 1024);
    open();
    await watched.sending;
    await done;
    expect(read).toBe(size);
    await a.close();
  });

  it("refuses the stream when the reader's write fails: the writer hears why", async () => {
    const [a, b] = createMemoryTransportPair();
    await Promise.all([a.connect(), b.connect()]);
    b.byteStreams$.subscribe((reader) =>
      reader.chunks$.subscribe({
        next: () => reader.hold?.(Promise.reject(new Error('ENOSPC'))),
        error: () => undefined,
      }),
    );
    const writer = await a.openByteStream({ id: 'f', name: 'f', size: 8 << 20, offset: 0 });
    const failed = await (async () => {
      for (let i = 0; i < 32; i++) await writer.write(new Uint8Array(256 * 1024));
      await writer.end();
    })().catch((e: unknown) => e);
    expect(String(failed)).toMatch(/could not store transfer f: ENOSPC/);
    await a.close();
  });
});

describe('MemoryTransport faults', () => {
  it('drops the share of messages it is told to, reproducibly', async () => {
    /** Sends 1000 messages over a lossy pair; returns what arrived and the sender's counters. */
    async function deliver(seed: number) {
      const [a, b] = createMemoryTransportPair({ dropRate: 0.3, seed });
      await Promise.all([a.connect(), b.connect()]);
      const received: string[] = [];
      b.messages$.subscribe((message) => received.push(message));
      for (let i = 0; i < 1000; i++) a.send(String(i));
      await new Promise((r) => setTimeout(r, 10));
      const stats = { ...a.stats };
      await a.close();
      return { received, stats };
    }
    const first = await deliver(42);
    expect(first.stats.dropped).toBeGreaterThan(220);
    expect(first.stats.dropped).toBeLessThan(380);
    expect(first.stats.delivered + first.stats.dropped).toBe(1000);
    expect(first.received).toHaveLength(first.stats.delivered);
    // The same seed loses exactly the same messages; another seed loses others.
    const again = await deliver(42);
    expect(again.received).toEqual(first.received);
    expect((await deliver(43)).received).not.toEqual(first.received);
  });

  it('goes reconnecting on a forced disconnect, refuses sends, then opens again', async () => {
    const [a, b] = createMemoryTransportPair();
    await Promise.all([a.connect(), b.connect()]);
    a.disconnect(20);
    expect(await firstValueFrom(b.status$)).toBe('reconnecting');
    expect(() => a.send('"x"')).toThrow(/reconnecting/);
    await firstValueFrom(a.status$.pipe(filter((s) => s === 'open')));
    const got = firstValueFrom(b.messages$);
    a.send('"back"');
    expect(await got).toBe('"back"');
    await a.close();
  });
});
