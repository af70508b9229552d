import {
  applyPathFix,
  container,
  isFinalJobState,
  JobManager,
  type JobSession,
  type JobSpecInput,
  type LocalFile,
  type PathResolution,
  registerCore,
  resolvedInputs,
  TRANSPORT,
  type TransferProgress,
} from '@trainwire/core';
import { ExitCode } from '../errors.js';
import type { Io } from '../Io.js';
import { type ParsedArgs, pairsFlag } from '../internal/args.js';
import { buildSpec, resumeCommandFor } from '../internal/buildSpec.js';
import type { Connection, RemoteDeps } from '../internal/Connection.js';
import { followSession, printNdjson } from '../internal/followSession.js';
import { describeTransfer } from '../internal/format.js';
import { localFile } from '../internal/localFile.js';
import { viewerAddresses } from '../internal/viewerAddresses.js';
import { whenSnapshot } from '../internal/whenSnapshot.js';
import { connectOptions } from '../internal/withManager.js';

/**
 * `trainwire train`: validates the config, checks input paths on the worker (asking how
 * to fix them when a person is at the terminal), uploads `--upload` files the worker does
 * not have, starts the job and follows it. Exit 0 completed, 1 failed, 2 usage or
 * validation error, 3 connection error, 130 interrupted.
 */
export async function trainCommand(args: ParsedArgs, io: Io, deps: RemoteDeps): Promise<number> {
  const spec = await buildSpec(args);
  // Every flag is checked before a file is hashed or anything connects, so a bad one
  // fails fast and never leaves a job running on the worker.
  await viewerAddresses(args);
  const options = connectOptions(args);
  const uploads: Record<string, LocalFile> = {};
  for (const [role, path] of Object.entries(pairsFlag(args, 'upload', 'ROLE=LOCAL_PATH')))
    uploads[role] = await localFile(path);
  const connection = await deps.connect(options);
  try {
    return await runOnConnection(args, io, connection, spec, uploads);
  } finally {
    await connection.close();
  }
}

/** Runs one job on an open connection (shared by `train` and `up`). */
export async function runOnConnection(
  args: ParsedArgs,
  io: Io,
  connection: Connection,
  firstSpec: JobSpecInput,
  uploads: Record<string, LocalFile>,
): Promise<number> {
  const scope = registerCore(container.createChildContainer());
  scope.register(TRANSPORT, { useValue: connection.transport });
  const manager = scope.resolve(JobManager);
  const json = args.values.json === true;
  try {
    let spec = firstSpec;
    let session: JobSession;
    for (;;) {
      session = manager.submit(spec, { uploads });
      if (json) printNdjson(session, io);
      const stopShowing = json ? undefined : showUploads(session, io, Object.keys(uploads).length);
      const settled = await untilStartedOrFailed(session);
      stopShowing?.(settled === 'started');
      if (settled !== 'paths_missing') break;
      const fixed = await resolveInteractively(
        io,
        session.getSnapshot().error?.details?.resolution as PathResolution,
      );
      if (fixed === undefined) break;
      spec = { ...spec, inputs: fixed };
    }
    const snapshot = session.getSnapshot();
    if (
      snapshot.state === 'failed' &&
      snapshot.submitStep !== null &&
      snapshot.submitStep !== 'start'
    ) {
      // Refused before it reached the worker: a usage or validation problem.
      if (json)
        io.stdout.write(
          `${JSON.stringify({ jobId: session.jobId, state: 'failed', step: snapshot.submitStep, error: snapshot.error })}\n`,
        );
      else {
        io.stderr.write(`${snapshot.error?.message ?? 'the job was refused'}\n`);
        for (const warning of snapshot.warnings)
          io.stderr.write(`warning: ${warning.path}: ${warning.message}\n`);
      }
      return snapshot.error?.code === 'config_invalid' || snapshot.error?.code === 'paths_missing'
        ? ExitCode.usage
        : ExitCode.connection;
    }
    const feed = await startViewerFeed(args, io, session);
    if (args.values.detach === true) {
      if (json)
        io.stdout.write(
          `${JSON.stringify({ jobId: session.jobId, worker: connection.worker.name, state: snapshot.state })}\n`,
        );
      else
        io.stdout.write(
          `Started job ${session.jobId} on ${connection.worker.name}. Follow it with \`trainwire attach ${session.jobId}\`.\n`,
        );
      await feed?.close();
      return ExitCode.ok;
    }
    const code = await followSession(session, io, {
      json,
      workerName: connection.worker.name,
      logs: args.values.logs === true,
      resumeCommand: (checkpoint) => resumeCommandFor(args, connection.worker.name, checkpoint),
    });
    await feed?.close();
    return code;
  } finally {
    manager.dispose();
    scope.dispose();
  }
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

/** Settles once the job reached the worker, or failed before it did. */
function untilStartedOrFailed(
  session: JobSession,
): Promise<'started' | 'paths_missing' | 'failed'> {
  return whenSnapshot(session, ({ state, submitStep, error }) => {
    if (state === 'failed') return error?.code === 'paths_missing' ? 'paths_missing' : 'failed';
    if (isFinalJobState(state) || (submitStep === null && state !== 'queued')) return 'started';
    return undefined;
  });
}

/** Asks, file by file, where the worker has each missing input; fixing one fixes its siblings. */
async function resolveInteractively(
  io: Io,
  resolution: PathResolution | undefined,
): Promise<Record<string, string> | undefined> {
  if (resolution === undefined || !io.interactive) return undefined;
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
