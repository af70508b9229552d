import type { ItemProgress } from '../JobSnapshot.js';

/** Samples kept for the rate: the last this many milliseconds of the worker's clock. */
const WINDOW_MS = 10_000;

/**
 * Counts a predict job's items (`batch_end` with `items_done`), on the worker's clock:
 * the rate over the last 10 s and the time left at that rate.
 */
export class ItemMeter {
  private samples: Array<{ done: number; ts: number }> = [];
  private current: ItemProgress | null = null;

  /** The progress so far; the same object until an update. */
  get progress(): ItemProgress | null {
    return this.current;
  }

  /** Takes one report: `done` items of `total` (when known) at worker time `ts`. */
  update(done: number, total: number | undefined, ts: number): ItemProgress {
    this.samples.push({ done, ts });
    while (this.samples.length > 2 && ts - this.samples[0]!.ts > WINDOW_MS) this.samples.shift();
    const first = this.samples[0]!;
    const elapsed = ts - first.ts;
    const ratePerSec = elapsed > 0 ? ((done - first.done) * 1000) / elapsed : null;
    const known = total ?? this.current?.total ?? null;
    const etaMs =
      known !== null && done >= known
        ? 0
        : known === null || ratePerSec === null || ratePerSec <= 0
          ? null
          : Math.round((Math.max(known - done, 0) / ratePerSec) * 1000);
    this.current = { done, total: known, ratePerSec, etaMs };
    return this.current;
  }
}
