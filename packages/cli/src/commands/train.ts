import {
  applyPathFix,
  deriveJobSpec,
  type JobManager,
  type JobSession,
  type JobSpecInput,
  type LocalFile,
  type PathResolution,
  resolvedInputs,
  SubmitFlow,
  type SubmitFlowSnapshot,
  shellQuote,
  type TransferProgress,
} from '@trainwire/core';
import { ExitCode } from '../errors.js';
import type { Io } from '../Io.js';
import { type ParsedArgs, pairsFlag, stringFlag } from '../internal/args.js';
import { buildSpec, derivationFrom, resumeCommandFor } from '../internal/buildSpec.js';
import type { Connect, Connection, RemoteDeps } from '../internal/Connection.js';
import { describeRefusal } from '../internal/describeRefusal.js';
import { followSession, printNdjson } from '../internal/followSession.js';
import { followUntilTerminated } from '../internal/followUntilTerminated.js';
import { describeTransfer } from '../internal/format.js';
import { localFile } from '../internal/localFile.js';
import { missingPathsAdvice } from '../internal/missingPathsAdvice.js';
import { viewerAddresses } from '../internal/viewerAddresses.js';
import { watchedManager } from '../internal/watchWorker.js';
import { connectOptions } from '../internal/withManager.js';
import { refusal } from './experimentsShared.js';

/**
 * `trainwire train`: validates the config, checks input paths on the worker (asking how
 * to fix them when a person is at the terminal), uploads `--upload` files the worker does
 * not have, starts the job and follows it. Exit 0 completed, 1 failed, 2 usage or
 * validation error (a refused start included), 3 connection error, 4 worker busy, 130
 * interrupted, 143 SIGTERM (the job goes on on the worker).
 */
export async function trainCommand(args: ParsedArgs, io: Io, deps: RemoteDeps): Promise<number> {
  const derivation = derivationFrom(args);
  const built = derivation === undefined ? await buildSpec(args) : undefined;
  // Every flag is checked before a file is hashed or anything connects, so a bad one
  // fails fast and never leaves a job running on the worker.
  await viewerAddresses(args);
  const options = connectOptions(args);
  const uploads: Record<string, LocalFile> = {};
  for (const [role, path] of Object.entries(pairsFlag(args, 'upload', 'ROLE=LOCAL_PATH')))
    uploads[role] = await localFile(path);
  const connection = await deps.connect(options);
  // `--continue` / `--retry`: the worker makes the child experiment; its job follows.
  const spec: SpecSource =
    built ??
    ((manager) =>
      deriveJobSpec(manager.peerFor(), derivation!)
        .then(({ experiment, spec }) => {
          if (args.values.json !== true)
            io.stdout.write(
              `Experiment ${experiment.id} (${experiment.name}): ${experiment.relation} of ${experiment.parentId}${experiment.checkpointSource === undefined ? '' : `, from ${experiment.checkpointSource}`}\n`,
            );
          return spec;
        })
        .catch(refusal(connection.worker.name)));
  try {
    return await runOnConnection(args, io, connection, spec, uploads, {
      remoteWorker: true,
      connect: deps.connect,
    });
  } finally {
    await connection.close();
  }
}

/** A job spec, or how to make one once the worker is reached (a derived job). */
type SpecSource = JobSpecInput | ((manager: JobManager) => Promise<JobSpecInput>);

/** Runs one job on an open connection (shared by `train` and `up`). */
export async function runOnConnection(
  args: ParsedArgs,
  io: Io,
  connection: Connection,
  specSource: SpecSource,
  uploads: Record<string, LocalFile>,
  options: {
    remoteWorker?: boolean;
    /** Reaches the worker again (by name) when its link closes mid-job. */
    connect?: Connect;
    /**
     * What follows once the job was followed to its end (`predict` downloads the
     * predictions), with the exit code so far; returns the command's exit code.
     */
    afterFollow?: (session: JobSession, manager: JobManager, code: number) => Promise<number>;
  } = {},
): Promise<number> {
  const watched = watchedManager(args, connection, options.connect);
  const { manager } = watched;
  const json = args.values.json === true;
  try {
    const firstSpec = typeof specSource === 'function' ? await specSource(manager) : specSource;
    let stopShowing: ((started: boolean) => void) | undefined;
    // Core's flow resubmits with the inputs fixed; this command asks, prints and exits.
    const flow = new SubmitFlow(manager, firstSpec, {
      uploads,
      onSession: (session) => {
        if (json) printNdjson(session, io);
        else stopShowing = showUploads(session, io, Object.keys(uploads).length);
      },
      fixPaths: (resolution) => resolveInteractively(io, resolution),
    });
    const unsubscribe = flow.subscribe(() => {
      const { phase, session } = flow.getSnapshot();
      if (phase === 'submitting' || phase === 'acknowledging-warnings') return;
      stopShowing?.(phase === 'started' && session?.getSnapshot().state !== 'failed');
      stopShowing = undefined;
    });
    const settled = await flow.done.finally(unsubscribe);
    const session = settled.session!;
    const snapshot = session.getSnapshot();
    // Refused: failed in a client-side step, or the worker answered job.start with an
    // error (nothing of the job reached its event log). A usage or capacity answer, not a run.
    if (settled.phase === 'refused') {
      return reportRefusal(args, io, settled, connection.worker.name);
    }
    const feed = await startViewerFeed(args, io, session);
    if (args.values.detach === true) {
      // Only here did the worker accept job.start: the job exists on it.
      const worker = connection.worker.name;
      const on = `${session.jobId} --worker ${worker}`;
      if (json)
        io.stdout.write(
          `${JSON.stringify({ jobId: session.jobId, worker, state: snapshot.state })}\n`,
        );
      else
        io.stdout.write(
          `Started job ${session.jobId} on ${worker}. Follow it with \`trainwire attach ${on}\`; stop it with \`trainwire stop ${on}\`.\n`,
        );
      await feed?.close();
      return ExitCode.ok;
    }
    const follow = () =>
      followSession(session, io, {
        json,
        workerName: connection.worker.name,
        logs: args.values.logs === true,
        waitForWorkerMs: watched.options.reconnectForMs,
        fetchHint: options.remoteWorker === true,
        fetchFlags: reachAgain(args, connection.worker.name),
        resumeCommand: (checkpoint) => resumeCommandFor(args, connection.worker.name, checkpoint),
      });
    // `up` owns its worker (it goes when `up` goes); `train` leaves the job running.
    const followed = options.remoteWorker
      ? await followUntilTerminated(io, session, connection.worker.name, follow)
      : await follow();
    await feed?.close();
    return options.afterFollow === undefined
      ? followed
      : await options.afterFollow(session, manager, followed);
  } finally {
    await watched.close();
  }
}

/**
 * A job that never ran, said as such: no banner, the reason and what to do on stderr (one
 * JSON line on stdout with `--json`), and an exit code for a usage problem (2), a busy
 * worker (4) or a connection problem (3).
 */
function reportRefusal(
  args: ParsedArgs,
  io: Io,
  settled: SubmitFlowSnapshot,
  worker: string,
): number {
  const session = settled.session!;
  const step = session.getSnapshot().submitStep ?? 'start';
  const error = settled.error!;
  const refusal = describeRefusal(error.code, step, {
    worker,
    profile: session.spec.profile,
    config: stringFlag(args, 'config'),
    ...(settled.blockingJobs === null ? {} : { running: settled.blockingJobs }),
  });
  const { exitCode } = refusal;
  const hint =
    error.code === 'paths_missing' ? missingPathsAdvice(settled.resolution) : refusal.hint;
  const reason = step === 'start' ? `${worker} refused the job: ${error.message}` : error.message;
  if (args.values.json === true) {
    io.stdout.write(
      `${JSON.stringify({
        refused: true,
        jobId: session.jobId,
        worker,
        step,
        error: { code: error.code, message: error.message },
        ...(hint === undefined ? {} : { hint }),
        ...(settled.warnings.length === 0 ? {} : { warnings: settled.warnings }),
        exitCode,
      })}\n`,
    );
    return exitCode;
  }
  io.stderr.write(`${reason}\n`);
  for (const warning of settled.warnings)
    io.stderr.write(`warning: ${warning.path}: ${warning.message}\n`);
  if (hint !== undefined) io.stderr.write(`${hint}\n`);
  return exitCode;
}

/** Upload progress (name, share, rate, time left), or that the worker had every file. */
function showUploads(
  session: JobSession,
  io: Io,
  files: number,
): ((started: boolean) => void) | undefined {
  if (files === 0) return undefined;
  let last: TransferProgress | null = null;
  const unsubscribe = session.subscribe(() => {
    const upload = session.getSnapshot().upload;
    if (upload === null || upload === last) return;
    last = upload;
    io.stdout.write(`${describeTransfer('Uploading', upload)}\n`);
  });
  return (started) => {
    unsubscribe();
    if (started && last === null)
      io.stdout.write(
        'The worker already has the input files (same SHA-256): nothing to upload.\n',
      );
  };
}

/** Asks, file by file, where the worker has each missing input; fixing one fixes its siblings. */
async function resolveInteractively(
  io: Io,
  resolution: PathResolution,
): Promise<Record<string, string> | undefined> {
  if (!io.interactive) return undefined;
  const prompts = await import('@inquirer/prompts');
  let current = resolution;
  for (const entry of resolution.entries) {
    const now = current.entries.find((e) => e.role === entry.role);
    if (now === undefined || now.status === 'found' || now.status === 'proposed') continue;
    const manual = '\u0000manual';
    const choice = await prompts.select({
      message: `The worker has no ${now.clientPath} (${now.role}). Which file is it?`,
      choices: [
        ...now.candidates
          .slice(0, 8)
          .map((c) => ({ name: `${c.path} (${c.size} bytes, ${c.match})`, value: c.path })),
        { name: 'Type a path on the worker…', value: manual },
      ],
    });
    const path =
      choice === manual
        ? await prompts.input({ message: `Path of ${now.role} on the worker:`, required: true })
        : choice;
    current = applyPathFix(current, entry.role, path);
  }
  return resolvedInputs(current);
}

async function startViewerFeed(args: ParsedArgs, io: Io, session: JobSession) {
  const addresses = await viewerAddresses(args);
  if (addresses.publishAddress === undefined && addresses.controlAddress === undefined)
    return undefined;
  const { createViewerFeed } = await import('@trainwire/bridge-zmq');
  return createViewerFeed(session, {
    what: session.spec.name ?? session.jobId,
    ...addresses,
    onNotice: (message) => io.stderr.write(`loss viewer: ${message}\n`),
  });
}

/** The flags that reach this job's worker again: `--data-dir DIR`, else `--worker NAME`. */
function reachAgain(args: ParsedArgs, worker: string): string {
  const dataDir = stringFlag(args, 'data-dir');
  return dataDir === undefined
    ? ` --worker ${shellQuote(worker)}`
    : ` --data-dir ${shellQuote(dataDir)}`;
}
