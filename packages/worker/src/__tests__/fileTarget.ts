import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import type { DownloadTarget } from '@trainwire/core';

/** A download target on disk for tests: `path` and its `path.part`. */
export function fileTarget(path: string): DownloadTarget {
  const part = `${path}.part`;
  const of = (which: 'file' | 'partial') => (which === 'file' ? path : part);
  return {
    size: async (which) => (existsSync(of(which)) ? statSync(of(which)).size : undefined),
    sha256: async (which) =>
      createHash('sha256')
        .update(readFileSync(of(which)))
        .digest('hex'),
    openPartial: (offset) => {
      const out = createWriteStream(part, { flags: offset > 0 ? 'a' : 'w' });
      return {
        write: (chunk) => {
          out.write(chunk);
        },
        close: () =>
          new Promise((resolve, reject) =>
            out.end((error?: Error | null) => (error ? reject(error) : resolve())),
          ),
        onError: (listener) => {
          out.once('error', listener);
        },
      };
    },
    removePartial: async () => rmSync(part, { force: true }),
    commit: async () => renameSync(part, path),
  };
}
