import { pickBestWorker } from '@trainwire/core';
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
  // One rule for every view: core's (the panel's picker uses it too).
  return pickBestWorker(workers, requirements);
}
