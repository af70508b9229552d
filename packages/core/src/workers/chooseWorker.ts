import { pickBestWorker } from './pickBestWorker.js';
import type { WorkerEntry } from './WorkerDirectory.js';

/** How a view asks for a worker: by name, "Auto-select best available", or not at all. */
export interface WorkerRequest {
  /** A worker's name or id. */
  worker?: string;
  /** The available worker with the most GPU memory. */
  autoSelect?: boolean;
  /** With auto-select (implied by it): the least GPU memory, MiB. */
  minGpuMemoryMiB?: number;
}

/**
 * What {@link chooseWorker} found: `chosen`; `ask` — several and no rule picks one (a
 * terminal asks, a panel shows its list); or why none fits: `not-online` (the named one is
 * not there), `none-qualifies` (no available worker with enough GPU memory), `empty`.
 */
export type WorkerChoiceResult<T extends WorkerEntry = WorkerEntry> =
  | { kind: 'chosen'; worker: T }
  | { kind: 'ask'; workers: readonly T[] }
  | { kind: 'not-online' | 'none-qualifies' | 'empty' };

/**
 * Picks the worker a job runs on from a room's listing: the named one, else the best
 * available (auto-select, or any GPU-memory minimum), else the only one. One rule for the
 * CLI's `--worker` / `--auto-select` and the panel's picker.
 *
 * @example
 * ```ts
 * const choice = chooseWorker(directory.getSnapshot().workers, { autoSelect: true });
 * if (choice.kind === 'chosen') connect(choice.worker.id);
 * ```
 */
export function chooseWorker<T extends WorkerEntry>(
  workers: readonly T[],
  request: WorkerRequest,
): WorkerChoiceResult<T> {
  if (request.worker !== undefined) {
    const named = workers.find((w) => w.name === request.worker || w.id === request.worker);
    return named === undefined ? { kind: 'not-online' } : { kind: 'chosen', worker: named };
  }
  if (request.autoSelect === true || request.minGpuMemoryMiB !== undefined) {
    const best = pickBestWorker(
      workers,
      request.minGpuMemoryMiB === undefined ? {} : { minGpuMemoryMiB: request.minGpuMemoryMiB },
    );
    return best === undefined ? { kind: 'none-qualifies' } : { kind: 'chosen', worker: best };
  }
  if (workers.length === 1) return { kind: 'chosen', worker: workers[0]! };
  return workers.length === 0 ? { kind: 'empty' } : { kind: 'ask', workers };
}
