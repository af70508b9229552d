import type { JobManager } from './JobManager.js';
import type { JobSession } from './JobSession.js';
import { isFinalJobState } from './schemas/JobState.js';
import type { Transport } from './Transport.js';
import { whenSnapshot } from './whenSnapshot.js';

/** Options of {@link loadJob}. */
export interface LoadJobOptions {
  /** The worker's link; the manager's default one otherwise. */
  transport?: Transport;
  /** Sees the session before any event is applied (to print or render every log line). */
  watch?: (session: JobSession) => void;
}

/**
 * Attaches to a job on its worker and resolves once its history, as the worker has it
 * now, is in the session: what `trainwire fetch` and `trainwire logs` read, and what a
 * jobs panel shows for a job it did not start. Rejects with the worker's `unknown_job`
 * when it has no such job.
 *
 * @example
 * ```ts
 * const session = await loadJob(manager, 'job-1');
 * console.log(session.getSnapshot().artifacts);
 * ```
 */
export async function loadJob(
  manager: JobManager,
  jobId: string,
  options: LoadJobOptions = {},
): Promise<JobSession> {
  const session = await manager.attach(jobId, options.transport);
  options.watch?.(session);
  const { lastSeq } = await manager.peerFor(options.transport).request('job.attach', { jobId });
  await whenSnapshot(session, (snapshot) =>
    snapshot.lastSeq >= lastSeq || isFinalJobState(snapshot.state) ? true : undefined,
  );
  return session;
}
