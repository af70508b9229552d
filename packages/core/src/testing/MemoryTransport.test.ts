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
    const [a, b] = createMemoryTransportPair({ dropRate: 0.3, seed: 42 });
    await Promise.all([a.connect(), b.connect()]);
    for (let i = 0; i < 1000; i++) a.send(String(i));
    await new Promise((r) => setTimeout(r, 10));
    expect(a.stats.dropped).toBeGreaterThan(220);
    expect(a.stats.dropped).toBeLessThan(380);
    expect(a.stats.delivered + a.stats.dropped).toBe(1000);
    await a.close();
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
