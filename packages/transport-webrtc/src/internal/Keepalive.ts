import { interval, type SchedulerLike, type Subscription } from 'rxjs';

export interface KeepaliveOptions {
  /** How often to ping the remote end, ms; 0 sends none. */
  intervalMs: number;
  /** Silence from the remote end after which it is taken for gone, ms; 0 never. */
  timeoutMs: number;
  scheduler: SchedulerLike;
  /** Sends one ping frame. */
  ping(): void;
  /** The remote end has been silent for `timeoutMs`. */
  silent(): void;
}

/**
 * Liveness of one peer connection. werift notices a vanished peer only when ICE consent
 * expires (30 s), and SCTP never gives up, so each end pings on the control channel and
 * watches what it hears. The watch starts with the remote end's first ping: a peer that
 * sends none (an older release) is never taken for gone.
 */
export class Keepalive {
  private lastHeard: number;
  private pinging: Subscription | undefined;
  private watchdog: Subscription | undefined;
  private stopped = false;

  constructor(private readonly options: KeepaliveOptions) {
    this.lastHeard = options.scheduler.now();
  }

  /** Pings now and every `intervalMs`. */
  start(): void {
    const { intervalMs, scheduler } = this.options;
    if (intervalMs <= 0 || this.pinging || this.stopped) return;
    this.options.ping();
    this.pinging = interval(intervalMs, scheduler).subscribe(() => this.options.ping());
  }

  /** Something arrived from the remote end. */
  heard(): void {
    this.lastHeard = this.options.scheduler.now();
  }

  /** A ping arrived: the remote end speaks keepalive, so its silence means something. */
  heardPing(): void {
    this.heard();
    if (!this.watchdog && !this.stopped && this.options.timeoutMs > 0)
      this.watch(this.options.timeoutMs);
  }

  stop(): void {
    this.stopped = true;
    this.pinging?.unsubscribe();
    this.watchdog?.unsubscribe();
  }

  private watch(delay: number): void {
    const { scheduler, timeoutMs, intervalMs } = this.options;
    const due = scheduler.now() + delay;
    this.watchdog = scheduler.schedule(() => {
      const now = scheduler.now();
      const quiet = now - this.lastHeard;
      // A timer this late means this process was stalled, not that the remote end went
      // quiet: what it sent may still be waiting to be read, so look again shortly.
      const stalled = now - due > Math.max(intervalMs, 1_000);
      if (quiet < timeoutMs) this.watch(timeoutMs - quiet);
      else if (stalled) this.watch(Math.max(intervalMs, 1_000));
      else this.silent();
    }, delay);
  }

  private silent(): void {
    this.stop();
    this.options.silent();
  }
}
