import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  type Artifact,
  baseName,
  chooseArtifacts,
  fetchArtifact,
  isTrainwireError,
  type RpcPeer,
  type TransferProgress,
} from '@trainwire/core';
import { CliError, ExitCode, UsageError } from '../errors.js';
import type { Io } from '../Io.js';
import { type ParsedArgs, stringFlag } from '../internal/args.js';
import type { RemoteDeps } from '../internal/Connection.js';
import { fileDownloadTarget } from '../internal/fileDownloadTarget.js';
import { describeTransfer } from '../internal/format.js';
import { fsProblem } from '../internal/fsProblem.js';
import { jobIdArg } from '../internal/jobIdArg.js';
import { loadJob } from '../internal/loadJob.js';
import { withManager } from '../internal/withManager.js';

/** `--out` cannot take the files: what happened, in words, and the flag that fixes it. */
function outProblem(dir: string, error: unknown): CliError {
  return new CliError(
    'out_unwritable',
    ExitCode.usage,
    `cannot write into --out ${dir}: ${fsProblem(error)}; pass --out a folder you can write to`,
    { cause: error },
  );
}

/**
 * Downloads one file into `dir` with core's `fetchArtifact` (resumes a `.part`, verifies
 * size and SHA-256, skips a file already here); its errors in the CLI's words.
 */
async function fetchOne(
  peer: RpcPeer,
  path: string,
  dir: string,
  name: string,
  onProgress?: (progress: TransferProgress) => void,
): Promise<{ target: string; bytes: number; skipped: boolean }> {
  const target = join(dir, name);
  try {
    const fetched = await fetchArtifact(peer, path, downloadTargetIn(dir, name), {
      name,
      ...(onProgress === undefined ? {} : { onProgress }),
    });
    return { target, ...fetched };
  } catch (error) {
    throw downloadProblem(error, name);
  }
}

/** Where a download of `name` into `dir` goes; a folder it cannot write says so. */
export function downloadTargetIn(dir: string, name: string) {
  return fileDownloadTarget(join(dir, name), (error) => outProblem(dir, error));
}

/** A failed download of `name` in the CLI's words (and exit codes); others as they are. */
export function downloadProblem(error: unknown, name: string): unknown {
  if (isTrainwireError(error, 'download_interrupted'))
    return new CliError(
      'download_interrupted',
      ExitCode.connection,
      `the download of ${name} broke off (${String(error.details?.reason)}); run the same command again to resume it`,
      { cause: error.cause },
    );
  if (isTrainwireError(error, 'download_corrupt'))
    return new CliError(
      'download_corrupt',
      ExitCode.jobFailed,
      `${name} arrived damaged (size or SHA-256 differs); it was removed, run the command again`,
    );
  return error;
}

/** Makes `dir` (and its parents) for downloads; a folder it cannot make says so. */
export async function makeOutDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true }).catch((error: unknown) => {
    throw outProblem(dir, error);
  });
}

/** `trainwire fetch JOB [--out DIR] [--kind model|checkpoint|all]`: a job's files, verified by hash. */
export async function fetchCommand(args: ParsedArgs, io: Io, deps: RemoteDeps): Promise<number> {
  const jobId = jobIdArg(args, 'fetch');
  const kind = stringFlag(args, 'kind') ?? 'default';
  if (
    !['default', 'all', 'model', 'checkpoint', 'dataset', 'log', 'predictions', 'video'].includes(
      kind,
    )
  ) {
    throw new UsageError(
      `--kind must be model, checkpoint, dataset, log, predictions, video or all; got "${kind}"`,
    );
  }
  const dir = resolve(stringFlag(args, 'out') ?? jobId);
  const json = args.values.json === true;
  return withManager(deps.connect, args, async (manager, connection) => {
    const session = await loadJob(manager, jobId, connection.worker.name);
    const chosen = chooseArtifacts(session.getSnapshot().artifacts, kind);
    if (chosen.length === 0) {
      throw new CliError(
        'nothing_to_fetch',
        ExitCode.jobFailed,
        `job ${jobId} on ${connection.worker.name} has no ${kind === 'default' ? 'model or checkpoint' : kind} files`,
      );
    }
    for (const artifact of chosen) await downloadInto(manager.peerFor(), artifact, dir, io, json);
    return ExitCode.ok;
  });
}

/**
 * Downloads `artifact` into `dir` (made when missing) and says so: a line for people, or
 * one JSON line `{kind, from, to, bytes, skipped}` with `--json`. `fetch` and `artifacts get`.
 */
export async function downloadInto(
  peer: RpcPeer,
  artifact: Pick<Artifact, 'kind' | 'path'>,
  dir: string,
  io: Io,
  json: boolean,
): Promise<void> {
  await makeOutDir(dir);
  const show = json
    ? undefined
    : (p: TransferProgress) => io.stdout.write(`${describeTransfer('Fetching', p)}\n`);
  const result = await fetchOne(peer, artifact.path, dir, baseName(artifact.path), show);
  if (json)
    io.stdout.write(
      `${JSON.stringify({ kind: artifact.kind, from: artifact.path, to: result.target, bytes: result.bytes, skipped: result.skipped })}\n`,
    );
  else
    io.stdout.write(
      result.skipped
        ? `${result.target} is already here (same SHA-256).\n`
        : `Fetched ${artifact.kind} ${result.target} (${result.bytes} bytes, SHA-256 verified).\n`,
    );
}
