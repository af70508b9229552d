import type { BatchColumns } from './BatchLossSeries.js';
import type { LossColumns } from './LossSeries.js';

/** A y column as uPlot reads it: `null` is a gap (uPlot skips `null`, not `NaN`). */
export type Column = Array<number | null>;

/** uPlot's aligned data: x, then train, val and batch loss. */
export type Joined = [Float64Array, Column, Column, Column];

/** The buffers {@link joinColumns} reuses from frame to frame. */
export interface JoinBuffers {
  x: Float64Array;
  y: [Column, Column, Column];
}

/** Empty buffers, grown on the first join. */
export function joinBuffers(): JoinBuffers {
  return { x: new Float64Array(0), y: [[], [], []] };
}

const value = (v: number): number | null => (Number.isFinite(v) ? v : null);

/**
 * Merges the epoch points (x = 1-based epoch) and the batch points (x in epochs) into
 * uPlot's one ascending x column, each series `null` where a row is not its own (and where
 * its value is not finite). One pass into `into`'s buffers, which only grow.
 */
export function joinColumns(epochs: LossColumns, batches: BatchColumns, into: JoinBuffers): Joined {
  const n = epochs.epochs.length;
  const m = batches.x.length;
  const size = n + m;
  if (into.x.length < size)
    into.x = new Float64Array(Math.max(1024, 2 ** Math.ceil(Math.log2(size))));
  const [train, val, batch] = into.y;
  train.length = size;
  val.length = size;
  batch.length = size;
  const x = into.x;
  let i = 0;
  let j = 0;
  for (let k = 0; k < size; k++) {
    if (j >= m || (i < n && epochs.epochs[i]! <= batches.x[j]!)) {
      x[k] = epochs.epochs[i]!;
      train[k] = value(epochs.train[i]!);
      val[k] = value(epochs.val[i]!);
      batch[k] = null;
      i++;
    } else {
      x[k] = batches.x[j]!;
      train[k] = null;
      val[k] = null;
      batch[k] = batches.loss[j]!;
      j++;
    }
  }
  return [x.subarray(0, size), train, val, batch];
}
