import { asyncScheduler, type Observable, type SchedulerLike } from 'rxjs';
import { SnapshotStore } from './internal/SnapshotStore.js';
import type { Transport, TransportStatus } from './Transport.js';

/** What a {@link ConnectionStatus} shows. */
export interface ConnectionSnapshot {
  /** `connecting` → `open` ⇄ `reconnecting` → `closed`. */
  status: TransportStatus;
  /** The worker at the other end, by name. */
  worker: string;
  /** When the status last changed (scheduler time). */
  since: number;
}

/**
 * How the link to a worker stands, for a status line or a panel's badge: the transport's
 * `status$` kept as a snapshot (`getSnapshot()` + `subscribe()` for React, `state$` for
 * code). It ends (`state$` completes) when the transport closes for good.
 *
 * @example
 * ```ts
 * const status = new ConnectionStatus(transport, { worker: 'gpu-1' });
 * status.state$.subscribe(({ status }) => console.log(status));
 * ```
 */
export class ConnectionStatus {
  /** The snapshot, replayed to new subscribers. */
  readonly state$: Observable<ConnectionSnapshot>;
  /** The current snapshot; the same object until the status changes. */
  readonly getSnapshot: () => ConnectionSnapshot;
  /** Calls `listener` after each change; returns unsubscribe. */
  readonly subscribe: (listener: () => void) => () => void;
  private readonly state: SnapshotStore<ConnectionSnapshot>;
  private readonly subscription: { unsubscribe(): void };

  constructor(
    transport: Pick<Transport, 'status$'>,
    options: { worker: string; scheduler?: SchedulerLike },
  ) {
    const scheduler = options.scheduler ?? asyncScheduler;
    this.state = new SnapshotStore<ConnectionSnapshot>({
      status: 'connecting',
      worker: options.worker,
      since: scheduler.now(),
    });
    ({
      state$: this.state$,
      getSnapshot: this.getSnapshot,
      subscribe: this.subscribe,
    } = this.state);
    this.subscription = transport.status$.subscribe({
      next: (status) => {
        if (status === this.state.getSnapshot().status) return;
        this.state.set({ status, worker: options.worker, since: scheduler.now() });
      },
      complete: () => this.close(),
      error: () => this.close(),
    });
  }

  /** Stops watching the transport (it is not closed). */
  dispose(): void {
    this.subscription.unsubscribe();
    this.state.complete();
  }

  private close(): void {
    const now = this.state.getSnapshot();
    if (now.status !== 'closed') this.state.set({ ...now, status: 'closed' });
    this.state.complete();
  }
}
