/**
 * Runs the latest scheduled callback once in the next animation frame, however many times
 * it was scheduled before (a burst of epochs is one redraw).
 */
export class FrameScheduler {
  private pending: (() => void) | null = null;
  private handle: number | null = null;

  constructor(
    private readonly request: (cb: () => void) => number = (cb) => requestAnimationFrame(cb),
    private readonly cancelFrame: (handle: number) => void = (h) => cancelAnimationFrame(h),
  ) {}

  schedule(callback: () => void): void {
    this.pending = callback;
    if (this.handle !== null) return;
    this.handle = this.request(() => {
      this.handle = null;
      const run = this.pending;
      this.pending = null;
      run?.();
    });
  }

  dispose(): void {
    if (this.handle !== null) this.cancelFrame(this.handle);
    this.handle = null;
    this.pending = null;
  }
}
