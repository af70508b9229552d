import type { JobSession, JobSnapshot } from '@trainwire/core';
import { JobFailedError } from './errors.js';
import { useStoreSelector } from './internal/useStoreSelector.js';

/** The part of a `JobSession` the hooks read (any object of that shape will do). */
export type JobStore = Pick<JobSession, 'getSnapshot' | 'subscribe'>;

/** Options of {@link useJob}. */
export interface UseJobOptions<T> {
  /**
   * Rethrow a failed job's error (as a {@link JobFailedError}) so an error boundary shows
   * it: `true`, or a predicate on the snapshot. Off by default: the failure is a value in
   * the snapshot (`state: 'failed'`, `error`).
   */
  throwOnError?: boolean | ((snapshot: JobSnapshot) => boolean);
  /** Compares selections; the component re-renders only when it says they differ. */
  isEqual?: (a: T, b: T) => boolean;
}

const identity = (snapshot: JobSnapshot): JobSnapshot => snapshot;

/**
 * A job's snapshot, or the part of it `selector` picks, kept current with
 * `useSyncExternalStore`. The session batches bursts of events into one notification, so
 * a fast epoch stream renders once per batch.
 *
 * @example
 * ```tsx
 * const epochs = useJob(session, (s) => s.progress.completedEpochs);
 * ```
 */
export function useJob(session: JobStore): JobSnapshot;
export function useJob<T>(
  session: JobStore,
  selector: (snapshot: JobSnapshot) => T,
  options?: UseJobOptions<T>,
): T;
export function useJob<T>(
  session: JobStore,
  selector?: (snapshot: JobSnapshot) => T,
  options: UseJobOptions<T> = {},
): T | JobSnapshot {
  const pick = (selector ?? identity) as (snapshot: JobSnapshot) => T;
  const value = useStoreSelector(session, pick, options.isEqual);
  const { throwOnError } = options;
  if (throwOnError !== undefined && throwOnError !== false) {
    const snapshot = session.getSnapshot();
    const shouldThrow = throwOnError === true || throwOnError(snapshot);
    if (snapshot.state === 'failed' && snapshot.error !== null && shouldThrow)
      throw new JobFailedError(snapshot.jobId, snapshot.error);
  }
  return value;
}
