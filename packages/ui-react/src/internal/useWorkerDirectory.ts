import { useContext } from 'react';
import { UiReactError } from '../errors.js';
import type { WorkerDirectoryStore } from '../WorkerDirectoryStore.js';
import { TrainwireContext } from './TrainwireContext.js';

/** `directory` when given, else the provider's; throws `missing_worker_directory` without either. */
export function useWorkerDirectory(directory?: WorkerDirectoryStore): WorkerDirectoryStore {
  const context = useContext(TrainwireContext);
  const store = directory ?? context?.directory;
  if (store === undefined) {
    throw new UiReactError(
      'missing_worker_directory',
      'no worker directory: pass one as `directory`, or to <TrainwireProvider directory={…}>',
    );
  }
  return store;
}
