import { type JobManager, type JobSession, loadJob as loadJobOnWorker } from '@trainwire/core';
import { unknownJob } from './jobIdArg.js';

/**
 * Core's `loadJob` — attach, and wait until the job's history as the worker has it now is
 * in — with a worker that has no such job said in the CLI's words (exit 2).
 */
export function loadJob(
  manager: JobManager,
  jobId: string,
  workerName: string,
  watch?: (session: JobSession) => void,
): Promise<JobSession> {
  return loadJobOnWorker(manager, jobId, watch === undefined ? {} : { watch }).catch(
    unknownJob(jobId, workerName),
  );
}
