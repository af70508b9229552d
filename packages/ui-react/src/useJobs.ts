import type { JobManagerSnapshot } from '@trainwire/core';
import { useStoreSelector } from './internal/useStoreSelector.js';
import { useJobManager } from './useJobManager.js';

const identity = (snapshot: JobManagerSnapshot): JobManagerSnapshot => snapshot;

/**
 * The provider's jobs and whether its worker takes another one (`canSubmit`), or the part
 * `selector` picks.
 *
 * @example
 * ```tsx
 * const { jobs, canSubmit } = useJobs();
 * ```
 */
export function useJobs(): JobManagerSnapshot;
export function useJobs<T>(selector: (snapshot: JobManagerSnapshot) => T): T;
export function useJobs<T>(selector?: (snapshot: JobManagerSnapshot) => T): T | JobManagerSnapshot {
  const manager = useJobManager();
  return useStoreSelector(manager, (selector ?? identity) as (s: JobManagerSnapshot) => T);
}
