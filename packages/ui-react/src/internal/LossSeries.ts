import type { EpochRecord } from '@trainwire/core';
import { trainLossOf, valLossOf } from './lossOf.js';

/** The three columns the chart draws: epoch (1-based), train loss, val loss (NaN = none). */
export interface LossColumns {
  epochs: Float64Array;
  train: Float64Array;
  val: Float64Array;
}

/**
 * The chart's data as growable typed arrays, appended to as epochs arrive (a session's
 * history only grows), so a redraw with 10 000 points copies nothing.
 */
export class LossSeries {
  private epochs = new Float64Array(64);
  private train = new Float64Array(64);
  private val = new Float64Array(64);
  private length = 0;
  private first: EpochRecord | undefined;

  /** Appends what `history` has beyond what was seen; starts over for another history. */
  sync(history: readonly EpochRecord[]): boolean {
    if (history[0] !== this.first || history.length < this.length) this.length = 0;
    this.first = history[0];
    if (history.length === this.length) return false;
    this.reserve(history.length);
    for (let i = this.length; i < history.length; i++) {
      const record = history[i]!;
      this.epochs[i] = record.epoch + 1;
      this.train[i] = finite(trainLossOf(record.logs));
      this.val[i] = finite(valLossOf(record.logs));
    }
    this.length = history.length;
    return true;
  }

  /** Views of the filled part (no copy). */
  columns(): LossColumns {
    const n = this.length;
    return {
      epochs: this.epochs.subarray(0, n),
      train: this.train.subarray(0, n),
      val: this.val.subarray(0, n),
    };
  }

  private reserve(size: number): void {
    if (size <= this.epochs.length) return;
    let capacity = this.epochs.length;
    while (capacity < size) capacity *= 2;
    const grow = (old: Float64Array) => {
      const next = new Float64Array(capacity);
      next.set(old.subarray(0, this.length));
      return next;
    };
    this.epochs = grow(this.epochs);
    this.train = grow(this.train);
    this.val = grow(this.val);
  }
}

function finite(value: number | null | undefined): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : Number.NaN;
}
