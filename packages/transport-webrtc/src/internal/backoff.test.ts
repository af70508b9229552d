import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.js';

describe('backoffDelay', () => {
  const policy = { initialMs: 250, maxMs: 10_000 };

  it('doubles from initialMs up to maxMs, between half and all of it', () => {
    const low = (n: number) => backoffDelay(n, policy, () => 0);
    const high = (n: number) => backoffDelay(n, policy, () => 1);
    expect([0, 1, 2, 3].map(high)).toEqual([250, 500, 1000, 2000]);
    expect([0, 1, 2, 3].map(low)).toEqual([125, 250, 500, 1000]);
    expect(high(6)).toBe(10_000);
    expect(low(1000)).toBe(5_000);
  });

  it('spreads retries of the same attempt', () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(3, policy)));
    expect(delays.size).toBeGreaterThan(40);
    for (const delay of delays) expect(delay).toBeGreaterThanOrEqual(1000);
  });
});
