import type { DownloadTarget } from '@trainwire/core';
import { sha256Hex } from './sha256.js';

/** A download held in the page's memory: core's `DownloadTarget`, and the file once committed. */
export interface MemoryDownload {
  target: DownloadTarget;
  /** The committed file's bytes; undefined before the download completed. */
  file(): Uint8Array | undefined;
}

/**
 * Where the widgets download a file when the host gives no target of its own: the page's
 * memory (a partial file kept between tries, so a broken download resumes), then a Blob the
 * user saves. Fine for predictions and models of a few hundred MiB at most.
 */
export function memoryDownloadTarget(): MemoryDownload {
  let file: Uint8Array | undefined;
  let partial: Uint8Array | undefined;
  const of = (which: 'file' | 'partial') => (which === 'file' ? file : partial);
  const target: DownloadTarget = {
    size: async (which) => of(which)?.length,
    sha256: async (which) => sha256Hex(of(which) ?? new Uint8Array()),
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
  return { target, file: () => file };
}
