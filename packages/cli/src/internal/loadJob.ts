import {
  isFinalJobState,
  isTrainwireError,
  type JobManager,
  type JobSession,
} from '@trainwire/core';
import { CliError, ExitCode } from '../errors.js';
import { whenSnapshot } from './whenSnapshot.js';

/**
 * Attaches to a job and waits until its history, as the worker has it now, is in;
 * `watch` sees the session before any event is applied (to print every log line).
 */
export async function loadJob(
  manager: JobManager,
  jobId: string,
  watch?: (session: JobSession) => void,
): Promise<JobSession> {
  let session: JobSession;
  try {
    session = await manager.attach(jobId);
  } catch (error) {
    if (isTrainwireError(error, 'unknown_job'))
      throw new CliError('unknown_job', ExitCode.usage, error.message);
    throw error;
  }
  watch?.(session);
  const { lastSeq } = await manager.peerFor().request('job.attach', { jobId, afterSeq: 0 });
  await whenSnapshot(session, (snapshot) =>
    snapshot.lastSeq >= lastSeq || isFinalJobState(snapshot.state) ? true : undefined,
  );
  return session;
}
