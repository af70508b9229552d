/** How far a file transfer is: bytes, rate and time left. */
export interface TransferProgress {
  name: string;
  /** Bytes the other side holds (a resumed transfer starts past zero). */
  bytes: number;
  total: number;
  /** Bytes per second since this attempt started. */
  bytesPerSecond: number;
  /** Milliseconds left at that rate, or null before there is a rate. */
  etaMs: number | null;
}

/**
 * Counts a transfer's progress and says when it is worth showing: at most every
 * `everyMs`, and always at the end — a UI or CLI never gets one update per chunk.
 */
export class TransferMeter {
  private readonly startedAt: number;
  private readonly startBytes: number;
  private lastShown = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly name: string,
    private readonly total: number,
    startBytes: number,
    private readonly now: () => number,
    private readonly everyMs = 250,
  ) {
    this.startedAt = now();
    this.startBytes = startBytes;
  }

  /** The progress at `bytes`, or undefined when the last one shown is recent enough. */
  update(bytes: number): TransferProgress | undefined {
    const at = this.now();
    if (bytes < this.total && at - this.lastShown < this.everyMs) return undefined;
    this.lastShown = at;
    const elapsed = (at - this.startedAt) / 1000;
    const rate = elapsed > 0 ? (bytes - this.startBytes) / elapsed : 0;
    return {
      name: this.name,
      bytes,
      total: this.total,
      bytesPerSecond: Math.round(rate),
      etaMs: rate > 0 ? Math.round(((this.total - bytes) / rate) * 1000) : null,
    };
  }
}
