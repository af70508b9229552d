import { describe, expect, it } from 'vitest';
import { elapsedMs, trainLoss, valLoss, valLossKey } from './metrics.js';

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
});
