import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  type Artifact,
  baseName,
  downloadFile,
  type RpcPeer,
  TransferMeter,
  type TransferProgress,
} from '@trainwire/core';
import { CliError, ExitCode, UsageError } from '../errors.js';
import type { Io } from '../Io.js';
import { type ParsedArgs, stringFlag } from '../internal/args.js';
import type { RemoteDeps } from '../internal/Connection.js';
import { describeTransfer } from '../internal/format.js';
import { fsProblem } from '../internal/fsProblem.js';
import { jobIdArg } from '../internal/jobIdArg.js';
import { loadJob } from '../internal/loadJob.js';
import { sha256File } from '../internal/sha256File.js';
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

async function sizeOf(path: string): Promise<number | undefined> {
  return (await stat(path).catch(() => undefined))?.size;
}

/** Which of a job's artifacts to fetch: its models (else its last checkpoint), one kind, or all. */
export function pickArtifacts(artifacts: readonly Artifact[], kind: string): Artifact[] {
  const unique = [...new Map(artifacts.map((a) => [a.path, a])).values()];
  if (kind === 'all') return unique;
  if (kind !== 'default') return unique.filter((a) => a.kind === kind);
  const models = unique.filter((a) => a.kind === 'model');
  if (models.length > 0) return models;
  const checkpoints = unique.filter((a) => a.kind === 'checkpoint');
  const last = checkpoints.find((a) => a.label === 'last') ?? checkpoints[checkpoints.length - 1];
  return last === undefined ? [] : [last];
}

/**
 * Downloads one file into `dir`: resumes a `.part` left by a broken download, verifies
 * size and SHA-256 before the file takes its name, and skips a file already there.
 */
async function fetchOne(
  peer: RpcPeer,
  path: string,
  dir: string,
  name: string,
  onProgress?: (progress: TransferProgress) => void,
): Promise<{ target: string; bytes: number; skipped: boolean }> {
  const target = join(dir, name);
  const part = `${target}.part`;
  const [remote] = (await peer.request('paths.check', { paths: [path], sha256: true })).results;
  if (
    remote?.sha256 !== undefined &&
    (await sizeOf(target)) === remote.size &&
    (await sha256File(target)) === remote.sha256
  ) {
    return { target, bytes: 0, skipped: true };
  }
  const offset = (await sizeOf(part)) ?? 0;
  const download = await downloadFile(peer, path, offset);
  const out = createWriteStream(part, { flags: offset > 0 ? 'a' : 'w' });
  const meter = new TransferMeter(name, download.size, offset, Date.now, 1_000);
  let received = offset;
  await new Promise<void>((done, fail) => {
    const subscription = download.chunks$.subscribe({
      next: (chunk) => {
        out.write(chunk);
        received += chunk.length;
        const progress = meter.update(received);
        if (progress !== undefined && progress.bytes < progress.total) onProgress?.(progress);
      },
      error: (error: unknown) =>
        out.end(() =>
          fail(
            new CliError(
              'download_interrupted',
              ExitCode.connection,
              `the download of ${name} broke off (${(error as Error).message}); run the same command again to resume it`,
              { cause: error },
            ),
          ),
        ),
      complete: () => out.end(() => done()),
    });
    // This machine's side failed (read-only --out, full disk): stop taking bytes.
    out.once('error', (error) => {
      subscription.unsubscribe();
      fail(outProblem(dir, error));
    });
  });
  if ((await sizeOf(part)) !== download.size || (await sha256File(part)) !== download.sha256) {
    await rm(part, { force: true });
    throw new CliError(
      'download_corrupt',
      ExitCode.jobFailed,
      `${name} arrived damaged (size or SHA-256 differs); it was removed, run the command again`,
    );
  }
  await rename(part, target).catch((error: unknown) => {
    throw outProblem(dir, error);
  });
  return { target, bytes: download.size - offset, skipped: false };
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
    const chosen = pickArtifacts(session.getSnapshot().artifacts, kind);
    if (chosen.length === 0) {
      throw new CliError(
        'nothing_to_fetch',
        ExitCode.jobFailed,
        `job ${jobId} on ${connection.worker.name} has no ${kind === 'default' ? 'model or checkpoint' : kind} files`,
      );
    }
    await mkdir(dir, { recursive: true }).catch((error: unknown) => {
      throw outProblem(dir, error);
    });
    for (const artifact of chosen) {
      const show = json
        ? undefined
        : (p: TransferProgress) => io.stdout.write(`${describeTransfer('Fetching', p)}\n`);
      const result = await fetchOne(
        manager.peerFor(),
        artifact.path,
        dir,
        baseName(artifact.path),
        show,
      );
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
    return ExitCode.ok;
  });
}
