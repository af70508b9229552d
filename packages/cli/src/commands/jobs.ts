import { isFinalJobState, type JobState, type LogLine } from '@trainwire/core';
import { ExitCode } from '../errors.js';
import type { Io } from '../Io.js';
import type { ParsedArgs } from '../internal/args.js';
import type { RemoteDeps } from '../internal/Connection.js';
import { followSession, printNdjson } from '../internal/followSession.js';
import { followUntilTerminated } from '../internal/followUntilTerminated.js';
import { formatDuration } from '../internal/format.js';
import { jobIdArg, unknownJob } from '../internal/jobIdArg.js';
import { loadJob } from '../internal/loadJob.js';
import { withManager } from '../internal/withManager.js';

/** How long `cancel` waits to see the job end before it says it has not yet. */
const CANCEL_WAIT_MS = 15_000;

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
      const by = job.owner === undefined ? '' : `  by ${job.owner.name ?? job.owner.credentialId}`;
      io.stdout.write(
        `${job.jobId}  ${job.state.padEnd(9)}  ${job.profile.padEnd(10)}  ${job.name ?? ''}  (${age} ${span})${by}\n`,
      );
    }
    return ExitCode.ok;
  });
}

/** `trainwire attach JOB`: follows a job from where it is, with its whole history. */
export async function attachCommand(args: ParsedArgs, io: Io, deps: RemoteDeps): Promise<number> {
  const jobId = jobIdArg(args, 'attach');
  return withManager(deps.connect, args, async (manager, connection, watch) => {
    const workerName = connection.worker.name;
    const session = await manager.attach(jobId).catch(unknownJob(jobId, workerName));
    if (args.values.json === true) printNdjson(session, io);
    return followUntilTerminated(io, session, workerName, () =>
      followSession(session, io, {
        json: args.values.json === true,
        workerName,
        logs: args.values.logs === true,
        // Watching does not own the job: Ctrl-C detaches, `trainwire stop` stops it.
        ownsJob: false,
        waitForWorkerMs: watch.reconnectForMs,
      }),
    );
  });
}

/** `trainwire logs JOB [--follow]`: the trainer's output lines. */
export async function logsCommand(args: ParsedArgs, io: Io, deps: RemoteDeps): Promise<number> {
  const jobId = jobIdArg(args, 'logs');
  const follow = args.values.follow === true;
  return withManager(deps.connect, args, async (manager, connection) => {
    const json = args.values.json === true;
    const print = (line: LogLine) =>
      io.stdout.write(json ? `${JSON.stringify(line)}\n` : `${line.line}\n`);
    if (follow) {
      const session = await manager.attach(jobId).catch(unknownJob(jobId, connection.worker.name));
      session.logs$.subscribe(print);
      await session.done;
      return ExitCode.ok;
    }
    // Without --follow: what the worker has now, then stop.
    await loadJob(manager, jobId, connection.worker.name, (session) =>
      session.logs$.subscribe(print),
    );
    return ExitCode.ok;
  });
}

/** `trainwire stop JOB`: finish the epoch, save a checkpoint, end. */
export async function stopCommand(args: ParsedArgs, io: Io, deps: RemoteDeps): Promise<number> {
  const jobId = jobIdArg(args, 'stop');
  return withManager(deps.connect, args, async (manager, connection) => {
    const worker = connection.worker.name;
    const { state } = await manager
      .peerFor()
      .request('job.stop', { jobId })
      .catch(unknownJob(jobId, worker));
    const ended = isFinalJobState(state);
    if (args.values.json === true)
      io.stdout.write(`${JSON.stringify({ jobId, state, asked: ended ? null : 'stop' })}\n`);
    else
      io.stdout.write(
        ended
          ? `Job ${jobId} had already ended (${state}); nothing to stop.\n`
          : `Asked job ${jobId} on ${worker} to stop: it finishes its epoch, saves a checkpoint and ends. Follow it with \`trainwire attach ${jobId} --worker ${worker}\`.\n`,
      );
    return ExitCode.ok;
  });
}

/** `trainwire cancel JOB`: end now; waits (with a deadline) to see that it ended. */
export async function cancelCommand(args: ParsedArgs, io: Io, deps: RemoteDeps): Promise<number> {
  const jobId = jobIdArg(args, 'cancel');
  return withManager(deps.connect, args, async (manager, connection) => {
    const worker = connection.worker.name;
    const before = await manager
      .peerFor()
      .request('job.cancel', { jobId })
      .catch(unknownJob(jobId, worker));
    const json = args.values.json === true;
    if (isFinalJobState(before.state)) {
      if (json) io.stdout.write(`${JSON.stringify({ jobId, state: before.state, ended: true })}\n`);
      else
        io.stdout.write(`Job ${jobId} had already ended (${before.state}); nothing to cancel.\n`);
      return ExitCode.ok;
    }
    // The worker answers at once; the trainer takes a moment to go. Say how it ended.
    const session = await manager.attach(jobId);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const state = await Promise.race<JobState | undefined>([
      session.done.then((final) => final.state),
      new Promise((resolve) => {
        timer = setTimeout(() => resolve(undefined), CANCEL_WAIT_MS);
      }),
    ]).finally(() => clearTimeout(timer));
    const ended = state !== undefined;
    if (json)
      io.stdout.write(
        `${JSON.stringify({ jobId, state: state ?? session.getSnapshot().state, ended })}\n`,
      );
    else if (!ended)
      io.stdout.write(
        `Asked ${worker} to cancel job ${jobId}; it has not ended after ${CANCEL_WAIT_MS / 1000} s. Check it with \`trainwire jobs --worker ${worker}\`.\n`,
      );
    else
      io.stdout.write(
        state === 'cancelled'
          ? `Cancelled job ${jobId} on ${worker}.\n`
          : `Job ${jobId} ended ${state} before the cancel reached it.\n`,
      );
    return ExitCode.ok;
  });
}
