import type { Models, ModelsSnapshot } from '@trainwire/core';
import { useStoreSelector } from './internal/useStoreSelector.js';

/** The part of core's `Models` the hook reads (any object of that shape will do). */
export type ModelsStore = Pick<Models, 'getSnapshot' | 'subscribe'>;

const identity = (snapshot: ModelsSnapshot): ModelsSnapshot => snapshot;

/**
 * A worker's model registry — core's `Models`: `{ status, models, active, error }`, every
 * version by name, newest first — or the part `selector` picks. Call `models.refresh()`
 * to list it (the models panel does when it mounts).
 *
 * @example
 * ```tsx
 * const versions = useModels(models, (s) => s.models.filter((m) => m.name === 'mouse-pose'));
 * ```
 */
export function useModels(models: ModelsStore): ModelsSnapshot;
export function useModels<T>(models: ModelsStore, selector: (snapshot: ModelsSnapshot) => T): T;
export function useModels<T>(
  models: ModelsStore,
  selector?: (snapshot: ModelsSnapshot) => T,
): T | ModelsSnapshot {
  return useStoreSelector(models, (selector ?? identity) as (s: ModelsSnapshot) => T);
}
