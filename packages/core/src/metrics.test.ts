import { describe, expect, it } from 'vitest';
import type { JobProgress } from './JobProgress.js';
import { elapsedMs, epochLine, trainLoss, valLoss, valLossKey } from './metrics.js';

describe('metric names and elapsed time, read once for every view', () => {
  it('reads the losses under the names sleap-nn, Lightning and Keras use', () => {
    expect(trainLoss({ 'train/loss': 0.4, loss: 9 })).toBe(0.4);
    expect(trainLoss({ loss: 0.5 })).toBe(0.5);
    expect(trainLoss({ train_loss: 0.6 })).toBe(0.6);
    expect(valLoss({ val_loss: 0.7 })).toBe(0.7);
    expect(valLoss({ accuracy: 1 })).toBeUndefined();
    expect(valLossKey({ val_loss: { value: 1, epoch: 0 } })).toBe('val_loss');
  });

  it('counts elapsed time on the worker clock from the first running', () => {
    expect(elapsedMs({ startedTs: null, lastEventTs: 500 })).toBe(0);
    expect(elapsedMs({ startedTs: 1_000, lastEventTs: 61_000 })).toBe(60_000);
  });

  it('shows the epoch running (1-based) with the last losses, or one finished epoch', () => {
    const progress = {
      completedEpochs: 2,
      startEpoch: 0,
      currentEpoch: 2,
      totalEpochs: 10,
      history: [
        { epoch: 0, logs: { loss: 0.9, val_loss: 1.1 } },
        { epoch: 1, logs: { 'train/loss': 0.5 } },
      ],
    } as unknown as JobProgress;
    const snapshot = { progress, eta: null, startedTs: 1_000, lastEventTs: 31_000 };
    expect(epochLine(snapshot)).toEqual({
      epoch: 3,
      totalEpochs: 10,
      trainLoss: 0.5,
      valLoss: undefined,
      elapsedMs: 30_000,
      etaMs: null,
    });
    expect(epochLine(snapshot, progress.history[0])).toMatchObject({
      epoch: 1,
      trainLoss: 0.9,
      valLoss: 1.1,
    });
    const between = { ...snapshot, progress: { ...progress, currentEpoch: null } };
    expect(epochLine(between).epoch).toBe(2);
  });
});
