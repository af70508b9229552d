import type { WorkerStatus } from '../schemas/WorkerInfo.js';

/** What {@link pickBestWorker} needs to know of a worker. */
export interface Pickable {
  status: WorkerStatus;
  /** GPU memory in MiB (0 without a GPU). */
  gpuMemoryMiB: number;
}

/**
 * "Auto-select best available": the available worker with the most GPU memory among those
 * with at least `minGpuMemoryMiB`; `undefined` when none qualifies. One rule for every
 * view (the CLI's `--auto-select`, the panel's picker).
 *
 * @example
 * ```ts
 * const best = pickBestWorker(directory.getSnapshot().workers, { minGpuMemoryMiB: 16_384 });
 * ```
 */
export function pickBestWorker<T extends Pickable>(
  workers: readonly T[],
  requirements: { minGpuMemoryMiB?: number } = {},
): T | undefined {
  const min = requirements.minGpuMemoryMiB ?? 0;
  return workers
    .filter((w) => w.status === 'available' && w.gpuMemoryMiB >= min)
    .reduce<T | undefined>(
      (best, w) => (best === undefined || w.gpuMemoryMiB > best.gpuMemoryMiB ? w : best),
      undefined,
    );
}
