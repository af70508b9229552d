/** Batch losses as the chart draws them: x in epochs (epoch + batch / batches per epoch). */
export interface BatchColumns {
  x: Float64Array;
  loss: Float64Array;
}

/**
 * The batch-loss points of a run, appended as `batch_end` messages arrive, in growable
 * typed arrays. A batch's x is its epoch plus its share of the epoch (batches per epoch
 * as the most seen so far), so it sits between that epoch's start and its end on the
 * epoch axis, where the epoch's own point is drawn.
 */
export class BatchLossSeries {
  private x: Float64Array = new Float64Array(256);
  private loss: Float64Array = new Float64Array(256);
  private length = 0;
  private perEpoch = 1;

  /** Adds one batch; false (and nothing added) for a non-finite loss. */
  add(epoch: number, batch: number, loss: number | null | undefined): boolean {
    if (typeof loss !== 'number' || !Number.isFinite(loss)) return false;
    this.perEpoch = Math.max(this.perEpoch, batch + 1);
    // Keep x ascending (uPlot needs it) if the estimate of batches per epoch grew.
    const x = Math.max(
      epoch + batch / this.perEpoch,
      this.length > 0 ? this.x[this.length - 1]! : 0,
    );
    if (this.length === this.x.length) {
      this.x = grow(this.x);
      this.loss = grow(this.loss);
    }
    this.x[this.length] = x;
    this.loss[this.length] = loss;
    this.length++;
    return true;
  }

  /** Views of the filled part (no copy). */
  columns(): BatchColumns {
    return { x: this.x.subarray(0, this.length), loss: this.loss.subarray(0, this.length) };
  }
}

function grow(old: Float64Array): Float64Array {
  const next = new Float64Array(old.length * 2);
  next.set(old);
  return next;
}
