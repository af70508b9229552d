import { createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import type { DownloadTarget } from '@trainwire/core';
import { sha256File } from './sha256File.js';

async function sizeOf(path: string): Promise<number | undefined> {
  return (await stat(path).catch(() => undefined))?.size;
}

/**
 * Core's download target on this machine's disk: `target`, written as `target.part`
 * until verified (a broken download's part is resumed from its size). `problem` words a
 * failure to write or rename there (a read-only folder, a full disk).
 */
export function fileDownloadTarget(
  target: string,
  problem: (error: unknown) => Error,
): DownloadTarget {
  const part = `${target}.part`;
  const pathOf = (which: 'file' | 'partial') => (which === 'file' ? target : part);
  return {
    size: (which) => sizeOf(pathOf(which)),
    sha256: (which) => sha256File(pathOf(which)),
    openPartial: (offset) => {
      const out = createWriteStream(part, { flags: offset > 0 ? 'a' : 'w' });
      // One wait for the stream's drain, shared by every write made before it comes (the
      // sender keeps sending up to its window while this disk catches up).
      let drained: Promise<void> | undefined;
      return {
        // Past the stream's buffer, a promise until it drained: the download waits for
        // this disk instead of holding the difference in memory.
        write: (chunk) => {
          if (out.write(chunk) && drained === undefined) return undefined;
          drained ??= new Promise<void>((resolve) => {
            const done = () => {
              out.off('drain', done).off('error', done);
              drained = undefined;
              resolve();
            };
            out.once('drain', done).once('error', done);
          });
          return drained;
        },
        close: () => new Promise<void>((done) => out.end(() => done())),
        onError: (listener) => {
          out.once('error', (error) => listener(problem(error)));
        },
      };
    },
    removePartial: () => rm(part, { force: true }),
    commit: () =>
      rename(part, target).catch((error: unknown) => {
        throw problem(error);
      }),
  };
}
