/**
 * Runs a scheduled callback at once when nothing ran in the last frame (an epoch every few
 * seconds is drawn as it arrives, not a frame later), and otherwise the latest one once in
 * the next animation frame, however many times it was scheduled before (a burst of epochs
 * is one redraw a frame).
 */
export class FrameScheduler {
  private pending: (() => void) | null = null;
  private handle: number | null = null;
  private lastRunAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly request: (cb: () => void) => number = (cb) => requestAnimationFrame(cb),
    private readonly cancelFrame: (handle: number) => void = (h) => cancelAnimationFrame(h),
    private readonly now: () => number = () => performance.now(),
    /** One frame at 60 Hz. */
    private readonly frameMs = 16,
  ) {}

  schedule(callback: () => void): void {
    if (this.handle === null && this.now() - this.lastRunAt >= this.frameMs) {
      this.lastRunAt = this.now();
      callback();
      return;
    }
    this.pending = callback;
    if (this.handle !== null) return;
    this.handle = this.request(() => {
      this.handle = null;
      const run = this.pending;
      this.pending = null;
      this.lastRunAt = this.now();
      run?.();
    });
  }

  dispose(): void {
    if (this.handle !== null) this.cancelFrame(this.handle);
    this.handle = null;
    this.pending = null;
  }
}
