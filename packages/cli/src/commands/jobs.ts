import { isTrainwireError, type LogLine } from '@trainwire/core';
import { CliError, ExitCode, UsageError } from '../errors.js';
import type { Io } from '../Io.js';
import type { ParsedArgs } from '../internal/args.js';
import type { RemoteDeps } from '../internal/Connection.js';
import { followSession, printNdjson } from '../internal/followSession.js';
import { formatDuration } from '../internal/format.js';
import { loadJob } from '../internal/loadJob.js';
import { withManager } from '../internal/withManager.js';

function jobIdOf(args: ParsedArgs, command: string): string {
  const jobId = args.positionals[0];
  if (jobId === undefined)
    throw new UsageError(
      `missing JOB: name the job, e.g. \`trainwire ${command} job-…\` (list them with \`trainwire jobs\`)`,
    );
  return jobId;
}

function unknownJob(error: unknown): never {
  if (isTrainwireError(error, 'unknown_job'))
    throw new CliError('unknown_job', ExitCode.usage, error.message);
  throw error;
}

/** `trainwire jobs`: the worker's jobs, newest last. */
export async function jobsCommand(args: ParsedArgs, io: Io, deps: RemoteDeps): Promise<number> {
  return withManager(deps.connect, args, async (manager, connection) => {
    const { jobs } = await manager.peerFor().request('job.list', {});
    if (args.values.json === true) {
      for (const job of jobs) io.stdout.write(`${JSON.stringify(job)}\n`);
      return ExitCode.ok;
    }
    if (jobs.length === 0) io.stdout.write(`No jobs on ${connection.worker.name} yet.\n`);
    for (const job of jobs) {
      const age = job.endedAt === undefined ? 'running for' : 'took';
      const span = formatDuration((job.endedAt ?? Date.now()) - job.createdAt);
      io.stdout.write(
        `${job.jobId}  ${job.state.padEnd(9)}  ${job.profile.padEnd(10)}  ${job.name ?? ''}  (${age} ${span})\n`,
      );
    }
    return ExitCode.ok;
  });
}

/** `trainwire attach JOB`: follows a job from where it is, with its whole history. */
export async function attachCommand(args: ParsedArgs, io: Io, deps: RemoteDeps): Promise<number> {
  const jobId = jobIdOf(args, 'attach');
  return withManager(deps.connect, args, async (manager, connection) => {
    const session = await manager.attach(jobId).catch(unknownJob);
    if (args.values.json === true) printNdjson(session, io);
    return followSession(session, io, {
      json: args.values.json === true,
      workerName: connection.worker.name,
      logs: args.values.logs === true,
    });
  });
}

/** `trainwire logs JOB [--follow]`: the trainer's output lines. */
export async function logsCommand(args: ParsedArgs, io: Io, deps: RemoteDeps): Promise<number> {
  const jobId = jobIdOf(args, 'logs');
  const follow = args.values.follow === true;
  return withManager(deps.connect, args, async (manager) => {
    const json = args.values.json === true;
    const print = (line: LogLine) =>
      io.stdout.write(json ? `${JSON.stringify(line)}\n` : `${line.line}\n`);
    if (follow) {
      const session = await manager.attach(jobId).catch(unknownJob);
      session.logs$.subscribe(print);
      await session.done;
      return ExitCode.ok;
    }
    // Without --follow: what the worker has now, then stop.
    await loadJob(manager, jobId, (session) => session.logs$.subscribe(print));
    return ExitCode.ok;
  });
}

async function control(
  args: ParsedArgs,
  io: Io,
  deps: RemoteDeps,
  method: 'job.stop' | 'job.cancel',
): Promise<number> {
  const jobId = jobIdOf(args, method === 'job.stop' ? 'stop' : 'cancel');
  return withManager(deps.connect, args, async (manager) => {
    const { state } = await manager.peerFor().request(method, { jobId }).catch(unknownJob);
    if (args.values.json === true) io.stdout.write(`${JSON.stringify({ jobId, state })}\n`);
    else
      io.stdout.write(
        method === 'job.stop'
          ? `Asked ${jobId} to stop after its epoch (now ${state}).\n`
          : `Cancelled ${jobId} (now ${state}).\n`,
      );
    return ExitCode.ok;
  });
}

/** `trainwire stop JOB`: finish the epoch, save a checkpoint, end. */
export function stopCommand(args: ParsedArgs, io: Io, deps: RemoteDeps): Promise<number> {
  return control(args, io, deps, 'job.stop');
}

/** `trainwire cancel JOB`: end now. */
export function cancelCommand(args: ParsedArgs, io: Io, deps: RemoteDeps): Promise<number> {
  return control(args, io, deps, 'job.cancel');
}
