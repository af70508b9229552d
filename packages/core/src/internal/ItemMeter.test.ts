import { describe, expect, it } from 'vitest';
import { ItemMeter } from './ItemMeter.js';

describe('ItemMeter', () => {
  it('counts items, their rate over the last 10 s of worker time, and the time left', () => {
    const meter = new ItemMeter();
    expect(meter.progress).toBeNull();
    expect(meter.update(0, 1000, 0)).toEqual({
      done: 0,
      total: 1000,
      ratePerSec: null,
      etaMs: null,
    });
    expect(meter.update(100, undefined, 1000)).toEqual({
      done: 100,
      total: 1000,
      ratePerSec: 100,
      etaMs: 9000,
    });
    // A faster stretch long after: only the last 10 s count.
    meter.update(200, 1000, 20_000);
    expect(meter.update(700, 1000, 21_000)).toMatchObject({ ratePerSec: 500, etaMs: 600 });
    expect(meter.update(1000, 1000, 21_500)).toMatchObject({ done: 1000, etaMs: 0 });
  });

  it('has no ETA without a total', () => {
    const meter = new ItemMeter();
    meter.update(10, undefined, 0);
    expect(meter.update(20, undefined, 1000)).toEqual({
      done: 20,
      total: null,
      ratePerSec: 10,
      etaMs: null,
    });
  });
});
