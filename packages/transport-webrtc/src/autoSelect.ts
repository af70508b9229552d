import type { WorkerListing } from './listWorkers.js';

/**
 * Picks the available worker with the most GPU memory among those with at least
 * `minGpuMemoryMiB`; `undefined` when none qualifies.
 *
 * @example
 * ```ts
 * const worker = autoSelect(await listWorkers(signaling), { minGpuMemoryMiB: 16_384 });
 * ```
 */
export function autoSelect(
  workers: readonly WorkerListing[],
  requirements: { minGpuMemoryMiB?: number } = {},
): WorkerListing | undefined {
  const min = requirements.minGpuMemoryMiB ?? 0;
  return workers
    .filter((w) => w.status === 'available' && w.gpuMemoryMiB >= min)
    .reduce<WorkerListing | undefined>(
      (best, w) => (best === undefined || w.gpuMemoryMiB > best.gpuMemoryMiB ? w : best),
      undefined,
    );
}
