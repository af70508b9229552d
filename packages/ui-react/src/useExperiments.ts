import type { Experiments, ExperimentsSnapshot } from '@trainwire/core';
import { useStoreSelector } from './internal/useStoreSelector.js';

/** The part of core's `Experiments` the hook reads (any object of that shape will do). */
export type ExperimentsStore = Pick<Experiments, 'getSnapshot' | 'subscribe'>;

const identity = (snapshot: ExperimentsSnapshot): ExperimentsSnapshot => snapshot;

/**
 * The list view of a worker's experiments — core's `Experiments`: `{ status, experiments,
 * total, hasMore, filter, error }`, newest first — or the part `selector` picks. It lists
 * nothing by itself: call `experiments.refresh(filter)` (the widgets do when they mount).
 *
 * @example
 * ```tsx
 * const experiments = useMemo(() => new Experiments(manager.peerFor(transport)), [transport]);
 * const rows = useExperiments(experiments, (s) => s.experiments);
 * ```
 */
export function useExperiments(experiments: ExperimentsStore): ExperimentsSnapshot;
export function useExperiments<T>(
  experiments: ExperimentsStore,
  selector: (snapshot: ExperimentsSnapshot) => T,
): T;
export function useExperiments<T>(
  experiments: ExperimentsStore,
  selector?: (snapshot: ExperimentsSnapshot) => T,
): T | ExperimentsSnapshot {
  return useStoreSelector(experiments, (selector ?? identity) as (s: ExperimentsSnapshot) => T);
}
