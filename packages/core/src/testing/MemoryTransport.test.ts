import { filter, firstValueFrom } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { createMemoryTransportPair } from './MemoryTransport.js';
import { runTransportCompliance } from './runTransportCompliance.js';

runTransportCompliance('memory', async () => {
  const [client, worker] = createMemoryTransportPair({ latencyMs: 1 });
  return { client, worker, dispose: () => client.close() };
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
