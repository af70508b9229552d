import type { ConnectionSnapshot, JobSnapshot, WorkerLinkState } from '@trainwire/core';
import type { ExternalStore } from './ExternalStore.js';
import { useStoreSelector } from './internal/useStoreSelector.js';
import type { JobStore } from './useJob.js';

/** A link's status store: core's `ConnectionStatus` (what `connectWithCredentials` returns as `status`). */
export type ConnectionStore = ExternalStore<ConnectionSnapshot>;

const selectLink = (snapshot: JobSnapshot | ConnectionSnapshot) =>
  'jobId' in snapshot ? snapshot.connection : snapshot;

/**
 * How a link to a worker stands. Given core's `ConnectionStatus` (a transport's link, as
 * the panel shows it before and between jobs): `connecting`, `open`, `reconnecting` or
 * `closed`, with since when. Given a job: how the job's worker answers — `connected`,
 * `reconnecting`, `unreachable` (the job may still be running there) or `lost`, with since
 * when and why.
 *
 * @example
 * ```tsx
 * const { status } = useConnection(workerSession.status); // 'open'
 * const { status: job, reason } = useConnection(session); // 'unreachable', 'no word from…'
 * ```
 */
export function useConnection(source: ConnectionStore): ConnectionSnapshot;
export function useConnection(source: JobStore): WorkerLinkState;
export function useConnection(
  source: ConnectionStore | JobStore,
): ConnectionSnapshot | WorkerLinkState {
  return useStoreSelector<JobSnapshot | ConnectionSnapshot, ConnectionSnapshot | WorkerLinkState>(
    source as ExternalStore<JobSnapshot | ConnectionSnapshot>,
    selectLink,
  );
}
