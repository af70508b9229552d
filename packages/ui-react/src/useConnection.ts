import type { JobSnapshot, WorkerLinkState } from '@trainwire/core';
import { type JobStore, useJob } from './useJob.js';

const selectConnection = (snapshot: JobSnapshot): WorkerLinkState => snapshot.connection;

/**
 * How the link to a job's worker stands: `connected`, `reconnecting`, `unreachable` (the
 * job may still be running there) or `lost`, with since when and why.
 *
 * @example
 * ```tsx
 * const { status, worker, reason } = useConnection(session);
 * ```
 */
export function useConnection(session: JobStore): WorkerLinkState {
  return useJob(session, selectConnection);
}
