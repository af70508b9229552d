import { asyncScheduler, type Observable, type SchedulerLike } from 'rxjs';
import { SnapshotStore } from '../internal/SnapshotStore.js';
import type { WorkerInfo, WorkerStatus } from '../schemas/WorkerInfo.js';
import { pickBestWorker } from './pickBestWorker.js';

/** One worker of a room, as a picker shows it. */
export interface WorkerEntry {
  /** What to connect to (a peer id over WebRTC). */
  id: string;
  name: string;
  /** The worker key id the signaling server attests, when the room has one. */
  keyId?: string;
  status: WorkerStatus;
  /** GPU model, or `null` when none was detected. */
  gpuModel: string | null;
  /** GPU memory in MiB (0 without a GPU). */
  gpuMemoryMiB: number;
  info?: WorkerInfo;
}

/** What a {@link WorkerDirectory} shows. */
export interface WorkerDirectorySnapshot {
  /** `idle` before the first listing; `failed` keeps the last good list. */
  status: 'idle' | 'loading' | 'ready' | 'failed';
  /** Most GPU memory first. */
  workers: readonly WorkerEntry[];
  /** Why the last listing failed, in words; null otherwise. */
  error: string | null;
  /** When the list was last fetched (scheduler time), or null. */
  updatedAt: number | null;
}

/** Options of a {@link WorkerDirectory}. */
export interface WorkerDirectoryOptions {
  /** Fetches the room's workers (the transport's own listing, e.g. over signaling). */
  list: () => Promise<readonly WorkerEntry[]>;
  /** Refresh by itself this often, ms; 0 (default) only on `refresh()`. */
  refreshEveryMs?: number;
  scheduler?: SchedulerLike;
}

/**
 * The workers of a room, for a picker: listing with refresh, auto-select, and a snapshot.
 * The CLI's `workers` and the panel's worker list read the same store; it knows no
 * transport — `list` is given.
 *
 * @example
 * ```ts
 * const directory = new WorkerDirectory({ list: async () => (await listWorkers(signaling)).map(toEntry) });
 * await directory.refresh();
 * const best = directory.best(16_384);
 * ```
 */
export class WorkerDirectory {
  /** The snapshot, replayed to new subscribers. */
  readonly state$: Observable<WorkerDirectorySnapshot>;
  /** The current snapshot; the same object until something changes. */
  readonly getSnapshot: () => WorkerDirectorySnapshot;
  /** Calls `listener` after each change; returns unsubscribe. */
  readonly subscribe: (listener: () => void) => () => void;
  private readonly state = new SnapshotStore<WorkerDirectorySnapshot>({
    status: 'idle',
    workers: [],
    error: null,
    updatedAt: null,
  });
  private readonly scheduler: SchedulerLike;
  private inFlight: Promise<void> | undefined;
  private timer: { unsubscribe(): void } | undefined;
  private disposed = false;

  constructor(private readonly options: WorkerDirectoryOptions) {
    this.scheduler = options.scheduler ?? asyncScheduler;
    ({
      state$: this.state$,
      getSnapshot: this.getSnapshot,
      subscribe: this.subscribe,
    } = this.state);
    const every = options.refreshEveryMs ?? 0;
    if (every > 0) {
      const next = () => {
        this.timer = this.scheduler.schedule(() => {
          if (this.disposed) return;
          void this.refresh();
          next();
        }, every);
      };
      next();
    }
  }

  /** Lists the workers again; concurrent calls share one listing. Never rejects. */
  refresh(): Promise<void> {
    this.inFlight ??= this.load().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /** "Auto-select best available": the available worker with the most GPU memory. */
  best(minGpuMemoryMiB?: number): WorkerEntry | undefined {
    return pickBestWorker(
      this.getSnapshot().workers,
      minGpuMemoryMiB === undefined ? {} : { minGpuMemoryMiB },
    );
  }

  /** Stops refreshing by itself. */
  dispose(): void {
    this.disposed = true;
    this.timer?.unsubscribe();
  }

  private async load(): Promise<void> {
    const before = this.state.getSnapshot();
    this.state.set({ ...before, status: 'loading' });
    try {
      const workers = [...(await this.options.list())].sort(
        (a, b) => b.gpuMemoryMiB - a.gpuMemoryMiB || a.name.localeCompare(b.name),
      );
      this.state.set({ status: 'ready', workers, error: null, updatedAt: this.scheduler.now() });
    } catch (error) {
      this.state.set({
        ...before,
        status: 'failed',
        error: `could not list the room's workers: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
  }
}
