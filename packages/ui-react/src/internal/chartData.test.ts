import type { EpochRecord } from '@trainwire/core';
import { describe, expect, it } from 'vitest';
import { BatchLossSeries } from './BatchLossSeries.js';
import { FrameScheduler } from './FrameScheduler.js';
import { joinBuffers, joinColumns } from './joinColumns.js';
import { LossSeries } from './LossSeries.js';

describe('FrameScheduler', () => {
  it('draws a lone update at once, and a burst once in the next frame with the latest callback', () => {
    const frames: Array<() => void> = [];
    let now = 1_000;
    const scheduler = new FrameScheduler(
      (cb) => frames.push(cb),
      () => undefined,
      () => now,
    );
    const ran: number[] = [];
    // Nothing ran for a while: the first update is drawn as it arrives.
    scheduler.schedule(() => ran.push(0));
    expect(ran).toEqual([0]);
    expect(frames.length).toBe(0);
    // More within the same frame: coalesced into one run in the next frame.
    for (let i = 1; i < 100; i++) scheduler.schedule(() => ran.push(i));
    expect(frames.length).toBe(1);
    now += 16;
    frames[0]!();
    expect(ran).toEqual([0, 99]);
    // Right after a run: the next frame again.
    scheduler.schedule(() => ran.push(100));
    expect(frames.length).toBe(2);
    // Seconds later (the next epoch): at once again.
    frames[1]!();
    now += 2_000;
    scheduler.schedule(() => ran.push(101));
    expect(ran).toEqual([0, 99, 100, 101]);
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

describe('joinColumns', () => {
  const epochsOf = (n: number) => {
    const series = new LossSeries();
    series.sync(
      Array.from({ length: n }, (_, epoch) => ({
        epoch,
        logs: { 'train/loss': 1 / (epoch + 1), 'val/loss': 2 / (epoch + 1) },
      })),
    );
    return series.columns();
  };

  it('gives uPlot one ascending x with each series where it has a value, NaN elsewhere', () => {
    const batches = new BatchLossSeries();
    for (const [epoch, batch] of [
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ] as const)
      batches.add(epoch, batch, 0.9);
    const into = joinBuffers();
    const [x, train, val, batch] = joinColumns(epochsOf(2), batches.columns(), into);
    expect(Array.from(x)).toEqual([0, 0.5, 1, 1, 1.5, 2]);
    // uPlot skips null (a NaN first value would make its y range NaN: an empty chart).
    expect(train).toEqual([null, null, 1, null, null, 0.5]);
    expect(val).toEqual([null, null, 2, null, null, 1]);
    expect(batch).toEqual([0.9, 0.9, null, 0.9, 0.9, null]);
    // The buffers are kept: the next frame allocates nothing.
    const kept = into.x;
    joinColumns(epochsOf(2), batches.columns(), into);
    expect(into.x).toBe(kept);
  });

  it('gives empty columns before any point (uPlot is created with them)', () => {
    const columns = joinColumns(epochsOf(0), new BatchLossSeries().columns(), joinBuffers());
    expect(columns.map((c) => c.length)).toEqual([0, 0, 0, 0]);
  });
});
