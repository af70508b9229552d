import type { WorkerDirectorySnapshot } from '@trainwire/core';
import { useStoreSelector } from './internal/useStoreSelector.js';
import { useWorkerDirectory } from './internal/useWorkerDirectory.js';
import type { WorkerDirectoryStore } from './WorkerDirectoryStore.js';

const identity = (snapshot: WorkerDirectorySnapshot): WorkerDirectorySnapshot => snapshot;

/**
 * The room's workers from `directory`, or from the provider's when none is passed.
 *
 * @throws UiReactError `missing_worker_directory` when neither is there.
 * @example
 * ```tsx
 * const { status, workers, error } = useWorkers();
 * ```
 */
export function useWorkers(directory?: WorkerDirectoryStore): WorkerDirectorySnapshot {
  return useStoreSelector(useWorkerDirectory(directory), identity);
}
