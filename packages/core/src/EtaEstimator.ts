/** An estimate of when a job ends. */
export interface Eta {
  /** Milliseconds left, from the estimator's clock. */
  remainingMs: number;
  /** Typical epoch duration used for the estimate. */
  epochMs: number;
  /** Epochs still to run, including the one in progress. */
  epochsLeft: number;
}

/**
 * Estimates the time left from epoch timings. It uses the median of the most recent
 * epoch durations, leaving out the first epoch once there are others (it pays for
 * warm-up, data loading, compilation), so neither a slow start nor one long pause
 * (a laptop asleep, a reconnect) throws the estimate off.
 *
 * @example
 * ```ts
 * const eta = new EtaEstimator(10);
 * eta.epochBegan(0, 0); eta.epochEnded(0, 60_000);
 * eta.epochBegan(1, 60_000); eta.epochEnded(1, 70_000);
 * eta.estimate(70_000); // { remainingMs: 80_000, epochMs: 10_000, epochsLeft: 8 }
 * ```
 */
export class EtaEstimator {
  private readonly durations: number[] = [];
  private firstDuration: number | undefined;
  private currentEpoch: number | undefined;
  private currentStartedAt: number | undefined;
  private lastEndedEpoch = -1;

  /**
   * @param totalEpochs epochs the job will run in all
   * @param window how many recent epochs the median looks at
   */
  constructor(
    private totalEpochs: number | undefined,
    private readonly window = 7,
  ) {}

  /** Sets the total once it is known (e.g. from `train_begin`). */
  setTotal(totalEpochs: number): void {
    this.totalEpochs = totalEpochs;
  }

  /** Marks the start of `epoch` (0-based) at time `at`. */
  epochBegan(epoch: number, at: number): void {
    this.currentEpoch = epoch;
    this.currentStartedAt = at;
  }

  /** Marks the end of `epoch` at `at`. An end without a matching begin only moves the count. */
  epochEnded(epoch: number, at: number): void {
    if (this.currentEpoch === epoch && this.currentStartedAt !== undefined) {
      const duration = Math.max(0, at - this.currentStartedAt);
      if (this.firstDuration === undefined && this.durations.length === 0 && epoch === 0) {
        this.firstDuration = duration;
      } else {
        this.durations.push(duration);
        if (this.durations.length > this.window) this.durations.shift();
      }
    }
    this.lastEndedEpoch = Math.max(this.lastEndedEpoch, epoch);
    this.currentEpoch = undefined;
    this.currentStartedAt = undefined;
  }

  /** The estimate at time `now`, or null while there is nothing to go on. */
  estimate(now: number): Eta | null {
    if (this.totalEpochs === undefined) return null;
    const epochMs = this.typicalEpochMs();
    if (epochMs === undefined) return null;
    const epochsLeft = Math.max(0, this.totalEpochs - (this.lastEndedEpoch + 1));
    if (epochsLeft === 0) return { remainingMs: 0, epochMs, epochsLeft: 0 };
    const inProgress =
      this.currentStartedAt === undefined
        ? 0
        : Math.min(epochMs, Math.max(0, now - this.currentStartedAt));
    return { remainingMs: Math.round(epochsLeft * epochMs - inProgress), epochMs, epochsLeft };
  }

  private typicalEpochMs(): number | undefined {
    if (this.durations.length === 0) return this.firstDuration;
    const sorted = [...this.durations].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  }
}
