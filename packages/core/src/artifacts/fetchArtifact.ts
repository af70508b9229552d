import { downloadFile } from '../downloadFile.js';
import { TrainwireError } from '../errors.js';
import { baseName } from '../paths/pathParts.js';
import type { RpcPeer } from '../protocol/RpcPeer.js';
import { TransferMeter, type TransferProgress } from '../TransferProgress.js';
import type { DownloadTarget } from './DownloadTarget.js';

/** Options of {@link fetchArtifact}. */
export interface FetchArtifactOptions {
  /** Progress while bytes arrive, at most every `progressEveryMs` (not for the last byte). */
  onProgress?: (progress: TransferProgress) => void;
  /** The name shown in progress and errors; the path's file name by default. */
  name?: string;
  now?: () => number;
  progressEveryMs?: number;
}

/** What {@link fetchArtifact} did. */
export interface FetchedArtifact {
  /** Bytes received now (0 when skipped; less than the size when resumed). */
  bytes: number;
  /** True when the target already had the file (same size and SHA-256). */
  skipped: boolean;
}

/**
 * Fetches one file of a job from the worker into `target`, verified: skips it when the
 * target already has it (same size and SHA-256 as the worker says), resumes a partial
 * file left by a broken download, and checks size and SHA-256 before the file takes its
 * name. Rejects with `download_interrupted` (the partial file is kept: fetching again
 * resumes it; `details.file` and `details.reason`) or `download_corrupt` (it is removed);
 * the target's own errors pass unchanged.
 *
 * @example
 * ```ts
 * const [model] = chooseArtifacts(session.getSnapshot().artifacts, 'default');
 * const { bytes } = await fetchArtifact(manager.peerFor(), model!.path, target);
 * ```
 */
export async function fetchArtifact(
  peer: RpcPeer,
  path: string,
  target: DownloadTarget,
  options: FetchArtifactOptions = {},
): Promise<FetchedArtifact> {
  const name = options.name ?? baseName(path);
  const [remote] = (await peer.request('paths.check', { paths: [path], sha256: true })).results;
  if (
    remote?.sha256 !== undefined &&
    (await target.size('file')) === remote.size &&
    (await target.sha256('file')) === remote.sha256
  ) {
    return { bytes: 0, skipped: true };
  }
  const offset = (await target.size('partial')) ?? 0;
  const download = await downloadFile(peer, path, offset);
  const out = target.openPartial(offset);
  const meter = new TransferMeter(
    name,
    download.size,
    offset,
    options.now ?? Date.now,
    options.progressEveryMs ?? 1_000,
  );
  let received = offset;
  await new Promise<void>((done, fail) => {
    const subscription = download.chunks$.subscribe({
      next: (chunk) => {
        const writing = out.write(chunk);
        if (writing !== undefined) download.hold(writing);
        received += chunk.length;
        const progress = meter.update(received);
        if (progress !== undefined && progress.bytes < progress.total)
          options.onProgress?.(progress);
      },
      error: (error: unknown) => {
        const reason = error instanceof Error ? error.message : String(error);
        const broke = new TrainwireError(
          'download_interrupted',
          `the download of ${name} broke off (${reason}); fetch it again to resume it`,
          { cause: error, details: { file: name, reason } },
        );
        out.close().then(
          () => fail(broke),
          () => fail(broke),
        );
      },
      complete: () => out.close().then(done, fail),
    });
    // This side failed (read-only folder, full disk): stop taking bytes.
    out.onError((error) => {
      subscription.unsubscribe();
      fail(error);
    });
  });
  if (
    (await target.size('partial')) !== download.size ||
    (await target.sha256('partial')) !== download.sha256
  ) {
    await target.removePartial();
    throw new TrainwireError(
      'download_corrupt',
      `${name} arrived damaged (size or SHA-256 differs); it was removed, fetch it again`,
      { details: { file: name } },
    );
  }
  await target.commit();
  return { bytes: download.size - offset, skipped: false };
}
