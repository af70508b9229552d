import type { EpochRecord } from '@trainwire/core';
import { describe, expect, it } from 'vitest';
import { FrameScheduler } from './FrameScheduler.js';
import { LossSeries } from './LossSeries.js';

describe('FrameScheduler', () => {
  it('runs a burst of updates once, in the next frame, with the latest callback', () => {
    const frames: Array<() => void> = [];
    const scheduler = new FrameScheduler(
      (cb) => frames.push(cb),
      () => undefined,
    );
    const ran: number[] = [];
    for (let i = 0; i < 100; i++) scheduler.schedule(() => ran.push(i));
    expect(frames.length).toBe(1);
    frames[0]!();
    expect(ran).toEqual([99]);
    scheduler.schedule(() => ran.push(100));
    expect(frames.length).toBe(2);
  });
});

describe('LossSeries', () => {
  it('appends to typed arrays, keeps NaN for a missing value, and grows past its capacity', () => {
    const series = new LossSeries();
    const history = Array.from(
      { length: 10_000 },
      (_, epoch): EpochRecord => ({
        epoch,
        logs:
          epoch === 5 ? { 'train/loss': 0.5 } : { 'train/loss': 1 / (epoch + 1), 'val/loss': 2 },
      }),
    );
    expect(series.sync(history.slice(0, 10))).toBe(true);
    const first = series.columns();
    expect(series.sync(history.slice(0, 10))).toBe(false);
    expect(series.sync(history)).toBe(true);
    const { epochs, train, val } = series.columns();
    expect(epochs.length).toBe(10_000);
    expect(epochs[9_999]).toBe(10_000);
    expect(train[5]).toBe(0.5);
    expect(Number.isNaN(val[5])).toBe(true);
    expect(first.epochs).toBeInstanceOf(Float64Array);
  });

  it('starts over for another job', () => {
    const series = new LossSeries();
    series.sync([
      { epoch: 0, logs: { loss: 1 } },
      { epoch: 1, logs: { loss: 0.5 } },
    ]);
    series.sync([{ epoch: 0, logs: { loss: 3 } }]);
    expect(Array.from(series.columns().train)).toEqual([3]);
  });
});
