import { describe, expect, it } from 'vitest';
import { EtaEstimator } from './EtaEstimator.js';

describe('EtaEstimator', () => {
  it('knows nothing before the first epoch ends', () => {
    const eta = new EtaEstimator(10);
    eta.epochBegan(0, 0);
    expect(eta.estimate(5000)).toBeNull();
  });

  it('ignores a slow first epoch once others exist', () => {
    const eta = new EtaEstimator(10);
    let t = 0;
    for (let epoch = 0; epoch < 4; epoch++) {
      eta.epochBegan(epoch, t);
      t += epoch === 0 ? 120_000 : 10_000;
      eta.epochEnded(epoch, t);
    }
    expect(eta.estimate(t)).toEqual({ remainingMs: 60_000, epochMs: 10_000, epochsLeft: 6 });
  });

  it('is not thrown off by one long pause', () => {
    const eta = new EtaEstimator(20);
    let t = 0;
    for (let epoch = 0; epoch < 8; epoch++) {
      eta.epochBegan(epoch, t);
      t += epoch === 4 ? 3_600_000 : 10_000;
      eta.epochEnded(epoch, t);
    }
    expect(eta.estimate(t)?.epochMs).toBe(10_000);
  });

  it('counts down within an epoch and reaches zero at the end', () => {
    const eta = new EtaEstimator(2);
    eta.epochBegan(0, 0);
    eta.epochEnded(0, 10_000);
    eta.epochBegan(1, 10_000);
    expect(eta.estimate(14_000)?.remainingMs).toBe(6_000);
    eta.epochEnded(1, 20_000);
    expect(eta.estimate(20_000)).toEqual({ remainingMs: 0, epochMs: 10_000, epochsLeft: 0 });
  });
});
