import type { JobManager } from '@trainwire/core';
import { type ReactNode, useMemo } from 'react';
import { TrainwireContext } from './internal/TrainwireContext.js';
import type { RoomDirectoryStore } from './RoomDirectoryStore.js';
import type { WorkerDirectoryStore } from './WorkerDirectoryStore.js';

/** Props of {@link TrainwireProvider}. */
export interface TrainwireProviderProps {
  /** The job manager every widget below submits to and lists jobs from. */
  manager: JobManager;
  /** The room's workers, for `useWorkers()` and the remote-training panel. */
  directory?: WorkerDirectoryStore;
  /** The rooms the user may work in, for `useRooms()` and the panel's room picker. */
  rooms?: RoomDirectoryStore;
  children?: ReactNode;
}

/**
 * Puts a core `JobManager` (and optionally a `WorkerDirectory`) in React context, for the
 * hooks and widgets below it. The host owns both objects: it creates them (with
 * `registerCore` and its transport) and disposes them.
 *
 * @example
 * ```tsx
 * const manager = scope.resolve(JobManager);
 * root.render(
 *   <TrainwireProvider manager={manager} directory={directory}>
 *     <RemoteTrainingPanel onRun={run} />
 *   </TrainwireProvider>,
 * );
 * ```
 */
export function TrainwireProvider({ manager, directory, rooms, children }: TrainwireProviderProps) {
  const value = useMemo(() => ({ manager, directory, rooms }), [manager, directory, rooms]);
  return <TrainwireContext.Provider value={value}>{children}</TrainwireContext.Provider>;
}
