import type { WorkerDirectoryStore } from '../WorkerDirectoryStore.js';
import { useFromProvider } from './useFromProvider.js';

/** `directory` when given, else the provider's; throws `missing_worker_directory` without either. */
export function useWorkerDirectory(directory?: WorkerDirectoryStore): WorkerDirectoryStore {
  return useFromProvider(
    directory,
    'directory',
    'missing_worker_directory',
    'no worker directory: pass one as `directory`, or to <TrainwireProvider directory={…}>',
  );
}
