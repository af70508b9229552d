import { isTrainwireError, JobIdSchema } from '@trainwire/core';
import { CliError, ExitCode, UsageError } from '../errors.js';
import type { ParsedArgs } from './args.js';

/** The JOB argument of `command`, checked here so a bad one never reaches the worker. */
export function jobIdArg(args: ParsedArgs, command: string): string {
  const jobId = args.positionals[0];
  if (jobId === undefined)
    throw new UsageError(
      `missing JOB: name the job, e.g. \`trainwire ${command} job-…\` (list them with \`trainwire jobs\`)`,
    );
  const parsed = JobIdSchema.safeParse(jobId);
  if (!parsed.success)
    throw new UsageError(
      `"${jobId}" is not a job id (${parsed.error.issues[0]?.message ?? 'invalid'}); list the jobs with \`trainwire jobs\``,
    );
  return parsed.data;
}

/**
 * Rethrows a worker's `unknown_job` answer as exit 2 in the user's words (the command that
 * lists jobs, not the protocol method); other errors pass unchanged.
 */
export function unknownJob(jobId: string, workerName: string): (error: unknown) => never {
  return (error) => {
    if (isTrainwireError(error, 'unknown_job'))
      throw new CliError(
        'unknown_job',
        ExitCode.usage,
        `${workerName} has no job ${jobId}; list its jobs with \`trainwire jobs --worker ${workerName}\``,
        { cause: error },
      );
    // Another member's job: the worker's message says whose and whom to ask.
    if (isTrainwireError(error, 'not_owner'))
      throw new CliError('not_owner', ExitCode.usage, (error as Error).message, { cause: error });
    throw error;
  };
}
