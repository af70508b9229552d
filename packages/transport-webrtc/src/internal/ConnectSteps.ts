/**
 * The steps a first connection goes through (offer sent, answer received, ICE connected,
 * control channel open), each timed from the start. It decides when a connect gives up,
 * and the give-up message names what was reached and what was not.
 *
 * A connect gives up after `stallMs` without a new step, or after `capFactor × stallMs`
 * in all: a peer that never answers fails as fast as before, while one that answers
 * slowly but steadily (a machine whose cores are busy training) is not cut off halfway.
 */
export class ConnectSteps {
  private readonly startedAt: number;
  private lastAt: number;
  private readonly reached: Array<{ step: string; at: number }> = [];

  constructor(
    private readonly now: () => number,
    readonly stallMs: number,
    private readonly capFactor = 3,
  ) {
    this.startedAt = now();
    this.lastAt = this.startedAt;
  }

  /** Records `step` (its first time only); any new step restarts the stall clock. */
  mark(step: string): void {
    if (this.reached.some((r) => r.step === step)) return;
    const at = this.now();
    this.reached.push({ step, at });
    this.lastAt = at;
  }

  /** How long since the last step (or the start), ms. */
  idleMs(): number {
    return this.now() - this.lastAt;
  }

  /** The longest a connect may take in all, ms. */
  get capMs(): number {
    return this.stallMs * this.capFactor;
  }

  /**
   * How long until the connect should give up, ms: 0 when it should now (no new step for
   * `stallMs`, or past the cap).
   */
  remainingMs(): number {
    const now = this.now();
    return Math.max(0, Math.min(this.lastAt + this.stallMs, this.startedAt + this.capMs) - now);
  }

  /** Why it gave up, for the error: the steps reached with their times, and the wait. */
  describe(): string {
    const now = this.now();
    const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    const steps =
      this.reached.length === 0
        ? 'no step reached'
        : `reached: ${this.reached.map((r) => `${r.step} at ${seconds(r.at - this.startedAt)}`).join(', ')}`;
    const why =
      now - this.startedAt >= this.capMs
        ? `${seconds(now - this.startedAt)} in all`
        : `nothing new for ${seconds(now - this.lastAt)}`;
    return `${steps}; ${why}`;
  }
}
