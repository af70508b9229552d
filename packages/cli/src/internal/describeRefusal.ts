import { classifyRefusal, type SubmitStep } from '@trainwire/core';
import { ExitCode } from '../errors.js';

/** A job that never ran: why, the exit code that says so, and what to do about it. */
export interface Refusal {
  exitCode: number;
  /** One line of advice, or undefined when the message already says it. */
  hint: string | undefined;
}

/**
 * Turns a job refused before it ran — by the client's checks, or by the worker answering
 * `job.start` with an error — into an exit code and advice naming the flag or command that
 * helps, by core's `classifyRefusal`: 2 for a usage problem (unknown profile, invalid
 * config, missing path), 4 for a busy worker (or one whose disk is full), 3 when the worker
 * could not be reached or did not answer.
 */
export function describeRefusal(
  code: string,
  step: SubmitStep,
  context: {
    worker: string;
    profile: string;
    config: string | undefined;
    /** The jobs the worker runs now, when known (named in the advice for a busy worker). */
    running?: readonly string[];
  },
): Refusal {
  const on = `--worker ${context.worker}`;
  const kind = classifyRefusal(code);
  if (kind === 'busy') {
    const running =
      context.running === undefined || context.running.length === 0
        ? 'its job'
        : `job ${context.running.join(', ')}`;
    return {
      exitCode: ExitCode.busy,
      hint:
        code === 'job_conflict'
          ? 'Run the same command again: it picks a new job id.'
          : code === 'no_space'
            ? `Ask the operator of ${context.worker} to free space in its data folder, or pick another worker with --worker NAME or --auto-select.`
            : `Wait for ${running} to finish (see \`trainwire jobs ${on}\`), stop it with \`trainwire stop ${context.running?.[0] ?? 'JOB'} ${on}\`, or pick another worker with --worker NAME or --auto-select.`,
    };
  }
  if (kind === 'usage') {
    const hints: Record<string, string> = {
      unknown_profile: 'Pick one the worker offers with --profile.',
      config_invalid: `Fix the config; check it here first with \`trainwire validate ${context.config ?? 'CONFIG'} --profile ${context.profile}\`.`,
      device_unavailable: 'Pass --device cpu (or auto), or pick another worker with --worker.',
      path_denied: `Pass paths inside the folders ${context.worker} shares (see \`trainwire browse ${on}\`), or fix them with --map-path FROM=TO.`,
    };
    return { exitCode: ExitCode.usage, hint: hints[code] };
  }
  if (kind === 'connection') {
    return {
      exitCode: ExitCode.connection,
      hint:
        step === 'start'
          ? `The worker did not answer the start: the job may have started. Check with \`trainwire jobs ${on}\` before running it again.`
          : 'Check the connection and run the same command again (an upload resumes where it broke off).',
    };
  }
  return { exitCode: ExitCode.jobFailed, hint: undefined };
}
