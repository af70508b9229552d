import { describe, expect, it } from 'vitest';
import { TransferMeter } from './TransferProgress.js';

describe('TransferMeter', () => {
  it('reports rate and time left, at most every 250 ms, and always at the end', () => {
    let now = 0;
    const meter = new TransferMeter('a.bin', 10_000_000, 0, () => now);
    expect(meter.update(0)).toMatchObject({ bytes: 0, etaMs: null });
    now = 100;
    expect(meter.update(1_000_000)).toBeUndefined();
    now = 1000;
    expect(meter.update(2_000_000)).toEqual({
      name: 'a.bin',
      bytes: 2_000_000,
      total: 10_000_000,
      bytesPerSecond: 2_000_000,
      etaMs: 4000,
    });
    now = 1010;
    expect(meter.update(10_000_000)).toMatchObject({ bytes: 10_000_000, etaMs: 0 });
  });

  it('counts a resumed transfer from where it started', () => {
    let now = 0;
    const meter = new TransferMeter('a.bin', 1000, 600, () => now);
    now = 1000;
    expect(meter.update(800)).toMatchObject({ bytesPerSecond: 200, etaMs: 1000 });
  });
});
