import { type SchedulerAction, type SchedulerLike, Subscription } from 'rxjs';

interface Entry {
  due: number;
  order: number;
  action: VirtualAction<unknown>;
}

/**
 * A scheduler whose time moves only when a test says so (like XState's
 * `SimulatedClock`). Inject it as the `CLOCK`; drive it with {@link VirtualClock.advanceBy}
 * (synchronous) or {@link VirtualClock.tick} (lets promises settle between timers).
 *
 * @example
 * ```ts
 * const clock = new VirtualClock();
 * interval(1000, clock).subscribe(console.log);
 * clock.advanceBy(3000); // logs 0, 1, 2
 * ```
 */
export class VirtualClock implements SchedulerLike {
  private time = 0;
  private order = 0;
  private queue: Entry[] = [];

  now(): number {
    return this.time;
  }

  schedule<T>(
    work: (this: SchedulerAction<T>, state: T) => void,
    delay = 0,
    state?: T,
  ): Subscription {
    const action = new VirtualAction<T>(this, work);
    action.schedule(state, delay);
    return action;
  }

  /** Runs every timer due within `ms`, in order, moving time to each; ends at now + ms. */
  advanceBy(ms: number): void {
    const end = this.time + ms;
    for (let next = this.nextDue(end); next !== undefined; next = this.nextDue(end)) {
      this.time = Math.max(this.time, next.due);
      next.action.run();
    }
    this.time = end;
  }

  /** Like `advanceBy`, but lets pending promises settle before and after each timer. */
  async tick(ms: number, stepMs = ms): Promise<void> {
    const end = this.time + ms;
    await settle();
    while (this.time < end) {
      const target = Math.min(end, this.time + stepMs);
      for (let next = this.nextDue(target); next !== undefined; next = this.nextDue(target)) {
        this.time = Math.max(this.time, next.due);
        next.action.run();
        await settle();
      }
      this.time = target;
      await settle();
    }
  }

  /** Timers waiting to run. */
  get pending(): number {
    return this.queue.length;
  }

  /** @internal */
  enqueue(action: VirtualAction<unknown>, delay: number): void {
    this.cancel(action);
    this.queue.push({ due: this.time + Math.max(0, delay), order: this.order++, action });
  }

  /** @internal */
  cancel(action: VirtualAction<unknown>): void {
    const index = this.queue.findIndex((entry) => entry.action === action);
    if (index >= 0) this.queue.splice(index, 1);
  }

  private nextDue(until: number): Entry | undefined {
    let best: Entry | undefined;
    for (const entry of this.queue) {
      if (entry.due > until) continue;
      if (
        best === undefined ||
        entry.due < best.due ||
        (entry.due === best.due && entry.order < best.order)
      )
        best = entry;
    }
    if (best !== undefined) this.queue.splice(this.queue.indexOf(best), 1);
    return best;
  }
}

class VirtualAction<T> extends Subscription implements SchedulerAction<T> {
  private state: T | undefined;

  constructor(
    private readonly clock: VirtualClock,
    private readonly work: (this: SchedulerAction<T>, state: T) => void,
  ) {
    super(() => clock.cancel(this as VirtualAction<unknown>));
  }

  schedule(state?: T, delay = 0): Subscription {
    if (this.closed) return this;
    this.state = state;
    this.clock.enqueue(this as VirtualAction<unknown>, delay);
    return this;
  }

  run(): void {
    if (!this.closed) this.work.call(this, this.state as T);
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}
