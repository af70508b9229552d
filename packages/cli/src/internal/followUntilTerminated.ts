import { isFinalJobState, type JobSession } from '@trainwire/core';
import { ExitCode } from '../errors.js';
import type { Io } from '../Io.js';

/**
 * Runs `follow` until it ends, or until SIGTERM: then says on stderr that this client
 * stopped following, that the job goes on on its worker, and how to see or stop it, and
 * resolves with 143. Following never owns the job, so nothing is sent to the worker.
 */
export async function followUntilTerminated(
  io: Io,
  session: JobSession,
  workerName: string,
  follow: () => Promise<number>,
): Promise<number> {
  let remove: () => void = () => undefined;
  const terminated = new Promise<number>((resolve) => {
    remove = io.onTerminate(() => {
      remove();
      io.stderr.write(terminatedNotice(session, workerName));
      resolve(ExitCode.terminated);
    });
  });
  try {
    return await Promise.race([follow(), terminated]);
  } finally {
    remove();
  }
}

/** What SIGTERM leaves behind: the job, where it runs, and the commands to see or stop it. */
export function terminatedNotice(session: JobSession, workerName: string): string {
  const { jobId } = session;
  const { state } = session.getSnapshot();
  const on = `--worker ${workerName}`;
  if (isFinalJobState(state))
    return `\nStopped (SIGTERM). Job ${jobId} had already ended (${state}); see it with \`trainwire attach ${jobId} ${on}\`.\n`;
  return (
    `\nStopped following job ${jobId} (SIGTERM): the job is still running on ${workerName}.\n` +
    `  See it:  trainwire attach ${jobId} ${on}\n` +
    `  Stop it: trainwire stop ${jobId} ${on}\n`
  );
}
