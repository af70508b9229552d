import { describe, expect, it } from 'vitest';
import { toViewerMessage, withBothSpellings } from './toViewerMessage.js';

describe('withBothSpellings', () => {
  it('adds the old spelling to sleap-nn keys and the new one to old keys', () => {
    expect(withBothSpellings({ 'train/loss': 1, 'val/loss': 2, 'val/mae': 3 })).toEqual({
      'train/loss': 1,
      'val/loss': 2,
      'val/mae': 3,
      loss: 1,
      val_loss: 2,
      val_mae: 3,
    });
    expect(withBothSpellings({ loss: 1, val_loss: null })).toEqual({
      loss: 1,
      val_loss: null,
      'train/loss': 1,
      'val/loss': null,
    });
  });

  it('keeps a key the trainer already wrote in both spellings', () => {
    expect(withBothSpellings({ loss: 1, 'train/loss': 2 })).toEqual({ loss: 1, 'train/loss': 2 });
  });
});

describe('toViewerMessage', () => {
  it('sets `what`, and gives batch_end the epoch of the last epoch_begin', () => {
    const context = {};
    expect(toViewerMessage({ event: 'train_begin', what: 'other' }, 'run', context)).toEqual({
      event: 'train_begin',
      what: 'run',
    });
    toViewerMessage({ event: 'epoch_begin', epoch: 4 }, 'run', context);
    expect(
      toViewerMessage(
        { event: 'batch_end', batch: 7, logs: { 'train/loss': 0.1 } },
        'run',
        context,
      ),
    ).toEqual({
      event: 'batch_end',
      what: 'run',
      epoch: 4,
      batch: 7,
      logs: { 'train/loss': 0.1, loss: 0.1 },
    });
  });

  it('leaves out epoch_end and batch_end without any loss, which old viewers raise on', () => {
    expect(toViewerMessage({ event: 'epoch_end', epoch: 0, logs: { mae: 1 } }, 'r', {})).toBeNull();
    expect(toViewerMessage({ event: 'batch_end', batch: 0, logs: {} }, 'r', {})).toBeNull();
  });
});
