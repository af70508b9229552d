import type { DownloadTarget } from './DownloadTarget.js';

/** A download held in memory: core's `DownloadTarget`, and the file once committed. */
export interface MemoryDownload {
  target: DownloadTarget;
  /** The committed file's bytes; undefined before the download completed. */
  file(): Uint8Array | undefined;
  /** The partial file's bytes, kept between tries so a broken download resumes. */
  partial(): Uint8Array | undefined;
}

/**
 * A {@link DownloadTarget} in memory — a page's download before the user saves it as a
 * Blob, or a test's — for files of a few hundred MiB at most. `sha256` hashes bytes to
 * lowercase hex (WebCrypto where there is one; a page over plain http has none, so the
 * caller passes its own).
 *
 * @example
 * ```ts
 * const download = createMemoryDownloadTarget(sha256Hex);
 * await fetchArtifact(peer, artifact.path, download.target);
 * const blob = new Blob([download.file()!]);
 * ```
 */
export function createMemoryDownloadTarget(
  sha256: (bytes: Uint8Array) => Promise<string> | string,
): MemoryDownload {
  let file: Uint8Array | undefined;
  let partial: Uint8Array | undefined;
  const of = (which: 'file' | 'partial') => (which === 'file' ? file : partial);
  const target: DownloadTarget = {
    size: async (which) => of(which)?.length,
    sha256: async (which) => sha256(of(which) ?? new Uint8Array()),
    openPartial: (offset) => {
      const chunks: Uint8Array[] = [partial?.subarray(0, offset) ?? new Uint8Array()];
      return {
        write: (chunk) => {
          chunks.push(chunk.slice());
        },
        close: async () => {
          const joined = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
          let at = 0;
          for (const chunk of chunks) {
            joined.set(chunk, at);
            at += chunk.length;
          }
          partial = joined;
        },
        onError: () => undefined,
      };
    },
    removePartial: async () => {
      partial = undefined;
    },
    commit: async () => {
      file = partial;
      partial = undefined;
    },
  };
  return { target, file: () => file, partial: () => partial };
}
