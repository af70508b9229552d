import { isFinalJobState, type JobManager, type JobSession } from '@trainwire/core';
import { unknownJob } from './jobIdArg.js';
import { whenSnapshot } from './whenSnapshot.js';

/**
 * Attaches to a job and waits until its history, as the worker has it now, is in;
 * `watch` sees the session before any event is applied (to print every log line).
 */
export async function loadJob(
  manager: JobManager,
  jobId: string,
  workerName: string,
  watch?: (session: JobSession) => void,
): Promise<JobSession> {
  const session = await manager.attach(jobId).catch(unknownJob(jobId, workerName));
  watch?.(session);
  const { lastSeq } = await manager.peerFor().request('job.attach', { jobId, afterSeq: 0 });
  await whenSnapshot(session, (snapshot) =>
    snapshot.lastSeq >= lastSeq || isFinalJobState(snapshot.state) ? true : undefined,
  );
  return session;
}
