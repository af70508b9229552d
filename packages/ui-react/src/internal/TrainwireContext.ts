import type { JobManager } from '@trainwire/core';
import { createContext } from 'react';
import type { RoomDirectoryStore } from '../RoomDirectoryStore.js';
import type { WorkerDirectoryStore } from '../WorkerDirectoryStore.js';

/** What {@link TrainwireProvider} puts in context. */
export interface TrainwireContextValue {
  manager: JobManager;
  directory: WorkerDirectoryStore | undefined;
  rooms: RoomDirectoryStore | undefined;
}

export const TrainwireContext = createContext<TrainwireContextValue | null>(null);
